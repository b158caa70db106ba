// The message transport of a Pool (page/pool.js is the public face): for
// pages that cannot share memory with workers. Tasks wait in a page-side
// queue and travel to the workers in batches (one postMessage carries every
// task a worker gets in that turn); results come back in batches. Each worker
// runs its own code, and its own wasm instance for Rust tasks; the page loads
// no wasm at all.
//
// How many tasks a worker holds (its window) follows the measured task time:
// about BATCH_MS of work per batch, and two batches while tasks are short (the
// worker runs one while the other's results travel), one task at a time when
// they are long (the rest stay here, cancellable and free to go to whichever
// worker frees up first). The first task per worker goes alone, to measure.

import { decode, Encoder } from '../../common/codec/index.js';
import { MSG } from '../../common/messages.js';
import { STATUS_ABORTING, STATUS_RETURNED } from '../../common/protocol.js';
import { BrokenPoolError, NotIsolatedError, PoolError, ShutdownError, WorkerCrashedError } from '../../errors.js';
import { platform } from '../../platform.js';
import { messageWorkers } from '../../runtime.js';
import { outcome } from '../engine.js';
import { importTaskModules } from '../task-codes.js';
import { postRunBatch, readDoneBatch } from './batches.js';
import { WorkerPort } from './worker-port.js';

// How long a worker that is to be terminated has for what it already
// posted to arrive first.
const KILL_SETTLE_MS = 20;

// Work per batch: long enough that a postMessage (~10-50 µs each way) is a
// small part of it, short enough that one worker's backlog is not much
// longer than another's.
const BATCH_MS = 2;
const MAX_BATCH = 256;

/**
 * A task on the message transport: the engine's record and where it is.
 * @typedef {import('../engine.js').TaskRecord & MessageFields} MessageTask
 * @typedef {object} MessageFields
 * @property {number} id pool-unique
 * @property {Uint8Array} bytes encoded arguments (kept until it settles: a task
 *   whose worker is replaced before it ran is sent again)
 * @property {WorkerPort|null} port the worker it was handed to
 * @property {boolean} queued waiting in the page's queue
 * @property {number} [stoppedAt] when it was stopped in a worker's hands (performance.now())
 */

/** @typedef {import('../engine.js').Transport} Transport */
/** @typedef {import('./worker-port.js').ReadyMessage} ReadyMessage */

/** @implements {Transport} */
export class MessageTransport {
  /** @type {import('../engine.js').PoolHost} */
  #host;
  /** @type {import('../options.js').PoolConfig} */
  #config;
  /** @type {(name: string) => Worker} */
  #spawnWorker;
  /** @type {Omit<import('../../common/messages.js').MessageInitMessage, 'index' | 'uid'>} */
  #init;
  #encoder = new Encoder();
  /** @type {Array<WorkerPort|undefined>} */
  #ports = [];
  /** @type {MessageTask[]} FIFO from #head; withdrawn ones are skipped */
  #queue = [];
  #head = 0;
  #queued = 0;
  #nextId = 1;
  #scheduled = false;
  #codesReady = false;
  #busyMs = 0; // task time reported, decayed per batch (a moving average weighted by tasks)
  #busyTasks = 0;

  /** @param {import('../engine.js').PoolHost} host */
  constructor(host) {
    const source = messageWorkers();
    if (source === null) {
      // Node.js always shares memory, and a Rust crate's pool must: neither starts message workers.
      if (platform.alwaysIsolated) {
        throw new PoolError(
          "transport: 'message' is not available in Node.js, which always shares memory with its workers; " +
            "use transport: 'auto' or 'shared'",
        );
      }
      throw new NotIsolatedError("this pool (a Rust crate's pool shares the crate's memory)");
    }
    this.#host = host;
    this.#config = host.config;
    this.#spawnWorker = source.spawnWorker;
    const { modules, initializer, initargs, concurrency } = host.config;
    this.#init = { transport: 'message', modules, initializer, initargs, concurrency, wasmUrl: String(source.wasmUrl) };
    this.ready = this.#start();
  }

  /**
   * @param {unknown} value
   * @param {string} root
   */
  encode(value, root) {
    return this.#encoder.encode(value, root);
  }

  /** Tasks no worker has started (maxQueueSize). */
  waiting() {
    let n = this.#queued;
    for (const port of this.#live()) n += Math.max(0, port.inflight.size - this.#config.concurrency);
    return n;
  }

  /**
   * @param {MessageTask} task
   * @param {Uint8Array} bytes
   */
  place(task, bytes) {
    Object.assign(task, { id: this.#nextId++, bytes: bytes.slice(), port: null, queued: true });
    this.#queue.push(task);
    this.#queued++;
    // A lone task and an idle worker: it goes now, not in the microtask that
    // gathers a burst into batches (a measurable part of a no-op round trip).
    const idle = this.#queued === 1 ? this.#idlePort() : null;
    if (idle !== null) this.#send(idle, 1);
    else this.#schedule();
  }

  /** @returns {never} */
  alloc() {
    throw new NotIsolatedError(
      'pool.alloc() (arrays the workers share without copying; on the message transport pass ordinary typed ' +
        'arrays, which are copied, or transfer their buffers)',
    );
  }

  // A running task is in a worker's hands: requestAbort and kill find its port.

  /** @param {MessageTask} task */
  requestAbort(task) {
    const port = /** @type {WorkerPort} */ (task.port);
    port.post([MSG.ABORT, task.id]);
    port.aborting.add(task.id); // it may be terminated when the grace ends: send it nothing
  }

  /** @param {MessageTask} task */
  kill(task) {
    // Results it posted before it started the task may still be on their
    // way: terminated now, their tasks would count as running with it.
    const port = /** @type {WorkerPort} */ (task.port);
    if (!port.stopped.has(task)) {
      port.post([MSG.ABORT, task.id]);
      port.aborting.add(task.id);
      port.stopped.add(task);
    }
    task.stoppedAt = performance.now();
    task.grace = KILL_SETTLE_MS;
    setTimeout(() => this.#reap(port), KILL_SETTLE_MS + 1);
  }

  // ---- handing tasks to workers ----

  /**
   * The first `concurrency` tasks a worker holds are running (or about to):
   * it runs them in the order sent.
   * @param {MessageTask} task
   */
  isRunning(task) {
    const port = task.port;
    if (port === null || port.gone) return false;
    let i = 0;
    for (const t of port.inflight.values()) {
      if (t === task) return true;
      if (++i >= this.#config.concurrency) return false;
    }
    return false;
  }

  /**
   * Out of the queue, or out of a worker's hands before it starts it: the
   * worker skips it on MSG.ABORT and answers, and it stays the worker's
   * until then. The page cannot see a worker start a task, only the results
   * it has sent: a task `stopping` (a timeout, a signal, force-cancel) that
   * turns out to run, or whose worker says nothing, has its worker
   * terminated once the task's grace is over (#reap).
   * @param {MessageTask} task
   * @param {boolean} [stopping]
   */
  withdraw(task, stopping = false) {
    if (task.queued) {
      task.queued = false;
      this.#queued--;
    } else if (task.port === null || task.port.gone || this.isRunning(task)) {
      return false;
    } else {
      const port = task.port;
      port.post([MSG.ABORT, task.id]);
      if (stopping) {
        task.stoppedAt = performance.now();
        port.stopped.add(task);
        setTimeout(() => this.#reap(port), task.grace + 1);
      }
    }
    this.#host.checkIdle();
    return true;
  }

  // Terminates a worker that still holds a stopped task past its grace and
  // runs it (it holds a running place), or has said nothing since it was
  // told (a task that was not watched gives no place to go by).
  /** @param {WorkerPort} port */
  #reap(port) {
    if (port.gone) return;
    const now = performance.now();
    // (A stopped task has its stoppedAt.)
    for (const task of /** @type {Set<MessageTask & { stoppedAt: number }>} */ (port.stopped)) {
      if (now < task.stoppedAt + task.grace) continue;
      const silent = !task.watched && port.heardAt < task.stoppedAt;
      if (silent || this.isRunning(task)) {
        this.#replace(port, { through: task });
        return;
      }
    }
  }

  // A started worker that holds no task, once tasks can be sent.
  #idlePort() {
    if (!this.#codesReady) return null;
    for (const port of this.#ports)
      if (port && !port.gone && port.started && port.inflight.size === 0 && port.quota > 0 && port.aborting.size === 0)
        return port;
    return null;
  }

  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#dispatch());
  }

  // Every worker with room gets its share of the queue, in batches.
  #dispatch() {
    this.#scheduled = false;
    if (!this.#codesReady || this.#queued === 0) return;
    const { concurrency } = this.#config;
    const taskMs = this.#busyMs / this.#busyTasks; // NaN until measured: batches of 1
    const batch = taskMs >= 0 ? Math.min(MAX_BATCH, Math.max(1, Math.floor(BATCH_MS / taskMs))) : 1;
    const window = Math.max(concurrency, batch > 1 ? 2 * batch : 1);
    // Each worker's fair share of all the work, counting what it holds and
    // the workers still starting (theirs waits here for them).
    const live = this.#live();
    let total = this.#queued;
    for (const port of live) total += port.inflight.size;
    const target = Math.ceil(total / live.length);
    const ports = live
      .filter((p) => p.started && p.aborting.size === 0)
      .sort((a, b) => a.inflight.size - b.inflight.size);
    for (const port of ports) {
      let share = target - port.inflight.size;
      while (share > 0 && this.#queued > 0) {
        const n = Math.min(window - port.inflight.size, port.quota, Math.max(batch, concurrency), share);
        if (n <= 0) break;
        this.#send(port, n);
        share -= n;
      }
    }
  }

  /**
   * @param {WorkerPort} port
   * @param {number} n
   */
  #send(port, n) {
    /** @type {MessageTask[]} */
    const batch = [];
    while (batch.length < n && this.#queued > 0) {
      const task = this.#queue[this.#head++];
      if (!task.queued) continue;
      task.queued = false;
      this.#queued--;
      try {
        task.code = this.#host.codes.resolve(task.code); // submitted while the task modules loaded
      } catch (error) {
        task.future._reject(error);
        continue;
      }
      batch.push(task);
    }
    if (this.#head === this.#queue.length || this.#head > 1024) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (batch.length === 0) return;
    for (const task of batch) {
      task.port = port;
      port.inflight.set(task.id, task);
    }
    port.quota -= batch.length;
    postRunBatch(port, batch);
  }

  /**
   * @param {WorkerPort} port
   * @param {import('../../common/messages.js').DoneBatch} message
   */
  #onDone(port, message) {
    const [, busy, progress] = /** @type {[string, number, Array<[number, unknown]> | null]} */ (message);
    if (progress !== null) for (const [id, value] of progress) port.inflight.get(id)?.future._progress(value);
    /** @type {MessageTask[]} */
    const returned = [];
    let ran = 0;
    readDoneBatch(message, (id, status, bytes) => {
      const task = port.inflight.get(id);
      if (status === STATUS_ABORTING) port.aborting.add(id);
      else if (task !== undefined) {
        port.inflight.delete(id);
        port.aborting.delete(id);
        port.stopped.delete(task);
        if (status === STATUS_RETURNED) {
          if (!task.future.done()) returned.push(task);
        } else {
          ran++;
          const { ok, value } = outcome(status, () => decode(bytes()));
          this.#host.settle(task, ok, value);
        }
      }
    });
    if (returned.length > 0) this.#requeue(returned);
    this.#busyMs = 0.8 * this.#busyMs + busy;
    this.#busyTasks = 0.8 * this.#busyTasks + ran;
    if (port.quota === 0 && port.inflight.size === 0)
      this.#replace(port); // maxTasksPerChild
    else if (port.stopped.size > 0) this.#reap(port);
    if (this.#queued > 0) this.#schedule();
    this.#host.checkIdle();
  }

  // Tasks a worker gave back or will not run: to the front of the queue, in order.
  /** @param {MessageTask[]} tasks */
  #requeue(tasks) {
    for (const task of tasks) {
      task.port = null;
      task.queued = true;
    }
    this.#queue.splice(this.#head, 0, ...tasks);
    this.#queued += tasks.length;
  }

  // ---- the workers' life ----

  async #start() {
    const started = [];
    for (let index = 0; index < this.#config.workers; index++) started.push(this.#spawn(index));
    // The page has no wasm to ask for Rust task names: the first worker loads
    // its instance and says them. Until then names pass (the worker checks).
    /** @type {Set<string> | Error | null} */
    let rustTasks = null;
    started[0].then(
      (ready) => {
        if (ready === null) return; // stopped before it said: names pass, the workers check
        const { rustTasks: names, rustError } = ready;
        // Where no instance can be made, a Rust task name is that error at the call
        // (a name missing or not found here: a PoolError).
        const ErrorClass =
          /** @type {Partial<Record<string, typeof PoolError>>} */ ({ NotIsolatedError, BrokenPoolError })[
            /** @type {{ name: string }} */ (rustError)?.name
          ] ?? PoolError;
        rustTasks = names ? new Set(names) : Object.assign(new ErrorClass(), rustError);
      },
      () => {},
    );
    this.#host.codes.setExports(await importTaskModules(this.#config.modules), (name) => {
      if (rustTasks instanceof Error) throw rustTasks;
      return rustTasks === null || rustTasks.has(name);
    });
    this.#codesReady = true;
    this.#schedule();
    await Promise.all(started);
  }

  #live() {
    return /** @type {WorkerPort[]} */ (this.#ports.filter((p) => p && !p.gone));
  }

  /**
   * @param {number} index
   * @returns {Promise<ReadyMessage | null>}
   */
  #spawn(index) {
    const init = index === 0 && this.#ports.length === 0 ? { ...this.#init, rustTasks: true } : this.#init;
    const port = new WorkerPort(this.#spawnWorker, init, index, this.#config.maxTasksPerChild || Infinity, {
      onDone: (p, batch) => this.#onDone(p, batch),
      onPanicked: (p) => this.#replace(p, { ran: false }),
      onClosing: (p, running) => this.#replace(p, { crashed: true, running: new Set(running) }),
      onDied: (p) => this.#replace(p, { crashed: true }),
    });
    this.#ports[index] = port;
    return port.ready.then((data) => {
      this.#schedule();
      return data;
    });
  }

  // A worker is terminated (a task's timeout or cancel, maxTasksPerChild),
  // died (`crashed`) or trapped (`ran: false`: it runs none of the tasks it
  // still holds). The tasks it was running settle (a crash is their error);
  // the ones it had not started go back to the front of the queue. Which
  // ones ran: `running` (ids) where the worker said so as it closed, else
  // the first `concurrency` it holds (it runs them in order), and none after
  // `through`, the task it is terminated for (stuck in it, it starts no other).
  /**
   * @param {WorkerPort} port
   * @param {{ crashed?: boolean, ran?: boolean, running?: Set<number> | null, through?: MessageTask | null }} [how]
   */
  #replace(port, { crashed = false, ran = true, running = null, through = null } = {}) {
    if (port.gone) return;
    port.stop();
    const held = [...port.inflight.values()];
    port.inflight.clear();
    port.aborting.clear();
    port.stopped.clear();
    let places = ran ? this.#config.concurrency : 0;
    if (through !== null && held.includes(through)) places = Math.min(places, held.indexOf(through) + 1);
    const error = new WorkerCrashedError(
      crashed ? 'the worker running this task died' : 'the worker running this task was terminated',
    );
    /** @type {MessageTask[]} */
    const requeue = [];
    for (const [i, task] of held.entries()) {
      if (running ? running.has(task.id) : i < places) task.future._reject(error);
      else if (!task.future.done()) requeue.push(task);
    }
    this.#requeue(requeue);
    if (this.#host.wantsReplacement()) this.#spawn(port.index).catch((e) => this.#host.breakPool(e));
    this.#host.checkIdle();
  }

  // ---- stopping ----

  busy() {
    return this.#queued > 0 || this.#live().some((p) => p.inflight.size > 0);
  }

  /** @param {unknown} error */
  rejectAll(error) {
    for (const task of this.#queue.splice(0)) if (task.queued) task.future._reject(error);
    this.#head = 0;
    this.#queued = 0;
    for (const port of this.#live()) for (const task of port.inflight.values()) task.future._reject(error);
  }

  cancelPending() {
    for (const task of this.#queue) if (task.queued) task.future.cancel();
    for (const port of this.#live()) for (const task of [...port.inflight.values()]) task.future.cancel();
  }

  async stop() {
    this.rejectAll(new ShutdownError('the pool was shut down'));
    for (const port of this.#live()) port.stop();
  }
}
