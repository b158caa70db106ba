// Running a task, whichever transport brought it: call its function (a map
// chunk item by item), settle it with its value or its error, follow it while
// it is async, fire its abort signal. Each transport gives the core a TaskIO
// (memory/slot-io.js, message/batch-loop.js): how a task's function and
// arguments are had, where its result and progress go, how an abort is seen.
// Synchronous tasks never leave the sync path; only a thenable result (or a
// function or arguments not ready yet) costs a promise.

import { abortError } from '../common/abort-error.js';
import { MSG } from '../common/messages.js';
import { FLAG_CHUNK, FLAG_NAMED, STATUS_ERROR, STATUS_OK } from '../common/protocol.js';
import { explainClosure } from './functions.js';

/** @typedef {import('./functions.js').TaskFunction} TaskFunction */

/**
 * What the core keeps of a task; each transport's task record has these and its own fields.
 * @typedef {object} CoreTask
 * @property {number} id the task's pool-unique id
 * @property {number} flags FLAG_* of common/protocol.js
 * @property {AbortController | null} controller made when the task first asks for its signal
 */

/**
 * A transport's side of running its tasks.
 * @template {CoreTask} T
 * @typedef {object} TaskIO
 * @property {(task: T) => TaskFunction | Promise<TaskFunction>} fn the task's function (a promise while it loads)
 * @property {(task: T) => unknown[] | Promise<unknown[]>} args its arguments (a promise while they cannot be read yet)
 * @property {(task: T, status: number, value: unknown) => void} result hands back its outcome (STATUS_OK, STATUS_ERROR)
 * @property {(task: T, error: Error) => void} panic hands back the panic of Rust code that trapped in it
 * @property {(task: T, value: unknown) => void} progress hands back a self.wasmpool.progress(value) report
 * @property {(task: T) => boolean} aborted whether the page asked it to stop
 * @property {(task: T, fire: () => void) => void} watchAbort calls `fire` when the page asks it to stop
 */

/** @param {unknown} v @returns {v is PromiseLike<unknown>} */
const isThenable = (v) => v !== null && typeof v === 'object' && typeof (/** @type {any} */ (v).then) === 'function';

/** @template {CoreTask} T */
export class TaskCore {
  /** @param {TaskIO<T>} io */
  constructor(io) {
    this.io = io;
    /** The task whose code runs now (or awaits), or null: self.wasmpool refers to it. @type {T | null} */
    this.current = null;
    /** Tasks that left the sync path (async, or waiting for their function or arguments). @type {Set<T>} */
    this.running = new Set();
    // Rust code trapped: its instance is unusable, and the page replaces this worker.
    this.trapped = false;
    // Tasks finished (maxTasksPerChild).
    this.finished = 0;
  }

  /**
   * Runs `task`: null when it finished synchronously, else a promise that
   * settles once its outcome was handed back.
   * @param {T} task
   * @returns {Promise<unknown> | null}
   */
  run(task) {
    try {
      const fn = this.io.fn(task);
      if (fn instanceof Promise) return this.#runLater(task, fn, null);
      const args = this.io.args(task);
      if (args instanceof Promise) return this.#runLater(task, fn, args);
      return this.#invoke(task, fn, args);
    } catch (error) {
      this.#fail(task, error);
      return null;
    }
  }

  /** Whether the page asked a running task to stop: its worker may be terminated when the grace ends. */
  abortRequested() {
    for (const task of this.running) if (this.io.aborted(task)) return true;
    return false;
  }

  /**
   * The running task's AbortSignal (self.wasmpool.signal), made on first use.
   * @returns {AbortSignal | undefined}
   */
  signal() {
    const task = this.current;
    if (task === null) return undefined;
    if (task.controller === null) {
      task.controller = new AbortController();
      // Only while it is the current task: a finished task's watcher may wake too.
      this.io.watchAbort(task, () => {
        if (this.current === task) this.abort(task);
      });
    }
    return task.controller.signal;
  }

  /** @param {T} task stopped by the page: its signal, if it asked for one, fires. */
  abort(task) {
    task.controller?.abort(abortError());
  }

  // Rare: the function (a Rust instance loading) or the arguments (a shared
  // buffer on its way) are not ready.
  /**
   * @param {T} task
   * @param {TaskFunction | Promise<TaskFunction>} fn
   * @param {Promise<unknown[]> | null} args null: read once the function is there
   */
  async #runLater(task, fn, args) {
    this.running.add(task);
    try {
      const f = await fn;
      return this.#invoke(task, f, await (args ?? this.io.args(task)));
    } catch (error) {
      this.#fail(task, error);
    }
  }

  /**
   * @param {T} task
   * @param {TaskFunction} fn
   * @param {unknown[]} args
   * @returns {Promise<void> | null}
   */
  #invoke(task, fn, args) {
    // self.wasmpool refers to it while its code runs, and while it awaits (concurrency 1).
    this.current = task;
    const value =
      task.flags & FLAG_CHUNK
        ? runChunk(fn, /** @type {unknown[]} */ (args[0]), args[1] === true, !(task.flags & FLAG_NAMED))
        : fn(...args);
    if (isThenable(value)) {
      this.running.add(task);
      return Promise.resolve(value).then(
        (v) => this.#finish(task, STATUS_OK, v),
        (error) => this.#fail(task, error),
      );
    }
    this.#finish(task, STATUS_OK, value);
    return null;
  }

  /** @param {T} task @param {number} status @param {unknown} value */
  #finish(task, status, value) {
    this.running.delete(task);
    if (this.current === task) this.current = null;
    this.finished++;
    this.io.result(task, status, value);
  }

  /** @param {T} task @param {unknown} error */
  #fail(task, error) {
    if (error instanceof WebAssembly.RuntimeError) {
      // Rust code trapped (a panic with panic=abort): report the panic, then
      // stop, so that the page replaces this worker.
      this.trapped = true;
      this.io.panic(task, error);
      self.postMessage({ type: MSG.PANICKED });
      return;
    }
    this.#finish(task, STATUS_ERROR, task.flags & FLAG_NAMED ? error : explainClosure(error));
  }
}

/**
 * A map chunk: `[values, failures]` with failures `[[index, error], ...]` or
 * null, so that an item's error surfaces at that item without wrapping every
 * value. `flat`: items are single arguments, not argument lists. Synchronous
 * unless an item returns a thenable.
 * @param {TaskFunction} fn
 * @param {unknown[]} items
 * @param {boolean} flat
 * @param {boolean} inline whether `fn` was compiled from source (its errors are explained)
 * @returns {ChunkResult | Promise<ChunkResult>}
 */
function runChunk(fn, items, flat, inline) {
  const values = new Array(items.length);
  /** @type {Array<[number, unknown]> | null} */
  let failures = null;
  for (let i = 0; i < items.length; i++) {
    let v;
    try {
      v = flat ? fn(items[i]) : fn(.../** @type {unknown[]} */ (items[i]));
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) throw error;
      failures ??= [];
      failures.push([i, inline ? explainClosure(error) : error]);
      continue;
    }
    if (isThenable(v)) return finishChunkAsync(fn, items, flat, inline, values, failures, i, v);
    values[i] = v;
  }
  return [values, failures];
}

/** @typedef {[unknown[], Array<[number, unknown]> | null]} ChunkResult */

/**
 * @param {TaskFunction} fn
 * @param {unknown[]} items
 * @param {boolean} flat
 * @param {boolean} inline
 * @param {unknown[]} values
 * @param {Array<[number, unknown]> | null} failures
 * @param {number} i the item whose value `pending` is
 * @param {PromiseLike<unknown> | undefined} pending
 * @returns {Promise<ChunkResult>}
 */
async function finishChunkAsync(fn, items, flat, inline, values, failures, i, pending) {
  for (; i < items.length; i++) {
    try {
      values[i] = await (pending ?? (flat ? fn(items[i]) : fn(.../** @type {unknown[]} */ (items[i]))));
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) throw error;
      failures ??= [];
      failures.push([i, inline ? explainClosure(error) : error]);
    }
    pending = undefined;
  }
  return [values, failures];
}
