// The pool engine: everything a pool does whichever way its tasks travel.
// It owns the pool's life (open, closing, broken, closed), the task records
// and their Futures, per-task options (timeout, signal, transfer),
// maxQueueSize, whether a lost worker is replaced, and settling results.
// A transport (page/memory/ or page/message/) owns only how tasks reach the
// workers and results come back, and how its workers start, die and are
// killed: the Transport interface below.

import { abortError } from '../common/abort-error.js';
import { FLAG_CHUNK, STATUS_CRASHED, STATUS_OK, STATUS_PANIC } from '../common/protocol.js';
import { BrokenPoolError, PanicError, QueueFullError, ShutdownError, WorkerCrashedError } from '../errors.js';
import { Future } from '../future.js';
import { detach } from './options.js';
import { TaskCodes } from './task-codes.js';
import { TaskControl } from './task-control.js';
import { trace } from './trace.js';

/** abortGrace when a task's options give none (ms). */
export const DEFAULT_ABORT_GRACE = 100;

/** @typedef {import('./options.js').PoolConfig} PoolConfig */
/** @typedef {import('./options.js').TaskOptions} TaskOptions */
/** @typedef {import('./task-codes.js').Code} Code */
/** @typedef {import('../map.js').ChunkResult} ChunkResult */
/** @typedef {import('./memory/shared-arrays.js').TypedArrayConstructor} TypedArrayConstructor */
/**
 * @template A
 * @typedef {import('../index.js').SharedTypedArray<A>} SharedTypedArray
 */

/**
 * One submitted task as the engine knows it; a transport adds its own fields.
 * @typedef {object} TaskRecord
 * @property {Future} future
 * @property {Code} code its TaskCodes entry (or `{ deferred }` while the task modules load)
 * @property {number} flags FLAG_* of common/protocol.js
 * @property {boolean} watched it has a timeout or a signal: it may be stopped while running
 * @property {number} grace ms it has to stop by itself once aborted (abortGrace)
 */

/**
 * What a transport does for the engine. It calls back through the PoolHost
 * it was made with.
 *  - ready: resolves once every worker has started
 *  - encode: a task's arguments (valid until the next call)
 *  - place: hands a new task on toward the workers
 *  - waiting: tasks no worker has started (maxQueueSize)
 *  - withdraw: takes back a task no worker has started; `stopping`: it must
 *    not run on, so a worker found running it is terminated
 *  - isRunning: whether a worker runs it now
 *  - requestAbort: tells the running task to stop (self.wasmpool.signal)
 *  - kill: terminates (and replaces) the worker running it
 *  - busy: whether any task has not settled
 *  - rejectAll: settles every task not settled with `error`
 *  - cancelPending: cancels every task no worker has started
 *  - alloc: pool.alloc
 *  - stop: the pool is idle, or must stop `now` (broken, terminated): ends
 *    the workers and frees what the pool holds
 * Methods, not function properties: each transport's methods take its own
 * record type (a TaskRecord with the fields `place` added), which method
 * parameters allow.
 * @typedef {{
 *   ready: Promise<void>,
 *   encode(value: unknown, root: string): Uint8Array,
 *   place(task: TaskRecord, bytes: Uint8Array): void,
 *   waiting(): number,
 *   withdraw(task: TaskRecord, stopping?: boolean): boolean,
 *   isRunning(task: TaskRecord): boolean,
 *   requestAbort(task: TaskRecord): void,
 *   kill(task: TaskRecord): void,
 *   busy(): boolean,
 *   rejectAll(error: unknown): void,
 *   cancelPending(): void,
 *   alloc<T extends TypedArrayConstructor>(Type: T, length: number): SharedTypedArray<InstanceType<T>>,
 *   stop(now: boolean): Promise<void>,
 * }} Transport
 */

/**
 * What the engine offers its transport.
 * @typedef {object} PoolHost
 * @property {PoolConfig} config the pool's options (page/options.js poolConfig)
 * @property {TaskCodes} codes
 * @property {(task: TaskRecord, ok: boolean, value: unknown) => void} settle
 * @property {(error: unknown) => void} breakPool
 * @property {() => boolean} wantsReplacement
 * @property {(force?: boolean) => void} checkIdle
 */

export class PoolEngine {
  /**
   * @param {PoolConfig} config poolConfig(options)
   * @param {(host: PoolHost) => Transport} makeTransport
   */
  constructor(config, makeTransport) {
    this.config = config;
    this.codes = new TaskCodes();
    this._closed = false;
    this._terminating = false;
    /** @type {BrokenPoolError | null} */
    this._broken = null;
    /** @type {Promise<void> | null} */
    this._stopping = null;
    /** @type {Array<() => void>} */
    this._idleWaiters = [];
    /** @type {Transport} */
    this.transport = makeTransport(this);
    const t = this.transport;
    this._control = new TaskControl({
      withdraw: (task, stopping) => this.#withdrawn(t.withdraw(task, stopping)),
      isRunning: (task) => t.isRunning(task),
      requestAbort: (task) => t.requestAbort(task),
      kill: (task) => t.kill(task),
    });
    // Whatever failed, ready rejects with the error every later call gets.
    this.ready = t.ready.catch((error) => {
      this.breakPool(error);
      throw this._broken;
    });
    this.ready.catch(() => {}); // not unhandled: the failure reaches whoever calls the pool
  }

  /**
   * A task: `fn(...args)` in a worker, with its TaskOptions (or null).
   * @param {unknown} fn a function or a name (codes.of checks it)
   * @param {unknown[]} args
   * @param {TaskOptions | null} [options]
   * @returns {Future}
   */
  submit(fn, args, options = null) {
    const code = this.codes.of(fn);
    return this.#submit(code, this.transport.encode(args, 'args'), 0, options);
  }

  /**
   * One chunk of a map: `code` (codes.of(fn), once per map) over `items` (argument lists unless `flat`).
   * @param {Code} code
   * @param {unknown[]} items
   * @param {boolean} flat
   * @returns {Future<ChunkResult>}
   */
  submitChunk(code, items, flat) {
    // A chunk's task returns a ChunkResult (map.js).
    return /** @type {Future<ChunkResult>} */ (
      this.#submit(code, this.transport.encode([items, flat], 'items'), FLAG_CHUNK, null)
    );
  }

  /**
   * @param {Code} code
   * @param {Uint8Array} bytes the encoded arguments
   * @param {number} flags
   * @param {TaskOptions | null} options
   * @returns {Future}
   */
  #submit(code, bytes, flags, options) {
    // Aborted before it was submitted: it never reaches a worker (a task
    // handed to an idle worker at once could not be taken back), as fetch()
    // with an aborted signal never sends its request.
    const signal = options?.signal;
    if (signal?.aborted) return rejected(signal.reason ?? abortError());
    if (options?.transfer) detach(options.transfer);
    const { maxQueueSize } = this.config;
    if (maxQueueSize && this.transport.waiting() >= maxQueueSize) {
      return rejected(new QueueFullError(`the pool already has ${maxQueueSize} tasks waiting (maxQueueSize)`));
    }
    const t = this.transport;
    /** @type {TaskRecord} */
    const task = {
      future: /** @type {Future} */ (/** @type {unknown} */ (null)),
      code,
      flags,
      watched: options !== null && (options.timeout !== undefined || options.signal !== undefined),
      grace: options?.abortGrace ?? DEFAULT_ABORT_GRACE,
    };
    task.future = new Future({
      withdraw: () => this.#withdrawn(t.withdraw(task)),
      isRunning: () => t.isRunning(task),
      kill: () => this._control.killRunning(task),
    });
    t.place(task, bytes);
    if (options) this._control.apply(task, options); // an aborted signal withdraws it
    return task.future;
  }

  /**
   * pool.alloc: a typed array the workers share (the shared-memory transport only).
   * @template {TypedArrayConstructor} T
   * @param {T} Type
   * @param {number} length
   * @returns {SharedTypedArray<InstanceType<T>>}
   */
  alloc(Type, length) {
    if (this._broken) throw this._broken;
    return this.transport.alloc(Type, length);
  }

  /**
   * Why new work is refused: the pool is broken, or shut down (ShutdownError(message)); else null.
   * @param {string} message
   */
  closedError(message) {
    return this._broken ?? (this._closed ? new ShutdownError(message) : null);
  }

  /**
   * @param {import('../index.js').ShutdownOptions} [options]
   * @returns {Promise<void>}
   */
  shutdown({ wait = true, cancelFutures = false } = {}) {
    this._closed = true;
    if (cancelFutures) this.transport.cancelPending();
    this._stopping ??= this.#stop();
    return wait ? this._stopping : Promise.resolve();
  }

  terminate() {
    this._closed = true;
    if (!this._terminating) {
      this._terminating = true;
      this.transport.rejectAll(new ShutdownError('the pool was terminated before this task finished'));
      this.checkIdle(true); // unblocks a shutdown() waiting for the tasks
    }
    this._stopping ??= this.#stop();
    return this._stopping;
  }

  async #stop() {
    try {
      await this.ready;
    } catch {
      // A pool that failed to start still has workers to stop.
    }
    const now = () => this._broken !== null || this._terminating;
    if (!now() && this.transport.busy()) {
      trace('shutdown: waiting for the tasks to settle');
      await /** @type {Promise<void>} */ (new Promise((resolve) => this._idleWaiters.push(resolve)));
    }
    await this.transport.stop(now());
  }

  // ---- PoolHost: what the transports call ----

  /**
   * A task's outcome: its Future settles (a settled one, stopped early, stays as it is).
   * @param {TaskRecord} task
   * @param {boolean} ok
   * @param {unknown} value the result if ok, else the error
   */
  settle(task, ok, value) {
    if (ok) task.future._resolve(value);
    else task.future._reject(value);
    if (this._idleWaiters.length > 0) this.checkIdle();
  }

  /**
   * A task taken back may have been the last one a shutdown waits for.
   * @param {boolean} withdrawn
   */
  #withdrawn(withdrawn) {
    if (withdrawn && this._idleWaiters.length > 0) queueMicrotask(() => this.checkIdle());
    return withdrawn;
  }

  /**
   * The pool cannot run tasks any more: every unsettled task and every later call gets `error`.
   * @param {unknown} error
   */
  breakPool(error) {
    if (this._broken) return;
    this._broken =
      error instanceof BrokenPoolError
        ? error
        : new BrokenPoolError(String(/** @type {{ message?: string } | null} */ (error)?.message || error), {
            cause: error,
          });
    this.transport.rejectAll(this._broken);
    this.checkIdle(true);
    if (!this._closed) this.shutdown({ wait: false, cancelFutures: true });
  }

  /**
   * Whether a worker that left should be replaced: while the pool is open,
   * and after shutdown() for as long as submitted tasks remain.
   */
  wantsReplacement() {
    return !this._terminating && !this._broken && (!this._closed || this.transport.busy());
  }

  /**
   * Resolves shutdown's wait once no task is left unsettled (or at once if `force`).
   * @param {boolean} [force]
   */
  checkIdle(force = false) {
    if (this._idleWaiters.length > 0 && (force || !this.transport.busy())) {
      for (const resolve of this._idleWaiters.splice(0)) resolve();
    }
  }
}

/**
 * A worker's answer for a task: `{ ok, value }` from its status (STATUS_*)
 * and `read()`, which decodes the value the worker sent.
 * @param {number} status
 * @param {() => unknown} read
 */
export function outcome(status, read) {
  if (status === STATUS_CRASHED)
    return { ok: false, value: new WorkerCrashedError('the worker running this task died') };
  let value;
  try {
    value = read();
  } catch (error) {
    return { ok: false, value: error };
  }
  if (status === STATUS_PANIC) return { ok: false, value: new PanicError(`Rust code panicked: ${value}`) };
  return { ok: status === STATUS_OK, value };
}

/**
 * A Future that has already failed with `error`.
 * @template [T=unknown]
 * @param {unknown} error
 * @returns {Future<T>}
 */
export function rejected(error) {
  /** @type {Future<T>} */
  const future = new Future();
  future._reject(error);
  return future;
}
