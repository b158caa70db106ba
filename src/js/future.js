// Future: the result of one submitted task (Python's concurrent.futures.Future,
// shaped for JS: it is a thenable, so `await future` works).

import { CancelledError, TimeoutError } from './errors.js';

const PENDING = 0;
const FINISHED = 1;
const CANCELLED = 2;

const noop = () => {};

/**
 * Rejects with TimeoutError after `timeout` ms unless `promise` settles first.
 *
 * @template T
 * @param {Promise<T>} promise
 * @param {number | null | undefined} timeout ms; undefined, null and Infinity mean none
 * @param {string} what what did not finish, for the error's message
 * @returns {Promise<T>}
 */
export function withTimeout(promise, timeout, what) {
  if (timeout === undefined || timeout === null || timeout === Infinity) return promise;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${timeout} ms`)), timeout);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * What the pool supplies to a Future (all optional: a future that is already
 * settled needs none).
 *
 * @typedef {object} FutureHooks
 * @property {() => boolean} [withdraw] tries to withdraw the task; true if it will not run
 * @property {() => boolean} [isRunning] whether a worker is running the task now
 * @property {(() => void) | null} [kill] stops the task's worker (it is replaced)
 */

/**
 * @template [T=unknown]
 * @implements {PromiseLike<T>}
 */
export class Future {
  #state = PENDING;
  #ok = false;
  // Allocated on first use: most futures have neither (one per task).
  /** @type {Array<(future: Future<T>) => void> | null} */
  #callbacks = null;
  /** @type {Set<(value: unknown) => void> | null} */
  #progress = null;
  /** @type {unknown} the result, or the error */
  #value;
  // Made when first asked for (then, result, ...): an unobserved future costs
  // no promise, and an unobserved failure is never an unhandled rejection.
  /** @type {Promise<T> | null} */
  #promise = null;
  // Set with #promise while the future is pending.
  /** @type {(value: T) => void} */
  #resolve;
  /** @type {(error: unknown) => void} */
  #reject;
  // Supplied by the pool: tries to withdraw the task; true if it will not run.
  /** @type {() => boolean} */
  #withdraw;
  // Supplied by the pool: whether a worker is running the task now.
  /** @type {() => boolean} */
  #isRunning;
  // Supplied by the pool: stops the task's worker (it is replaced).
  /** @type {(() => void) | null} */
  #kill;

  /**
   * @internal Futures are made by Pool.submit.
   * @param {FutureHooks} [hooks]
   */
  constructor({ withdraw = () => false, isRunning = () => false, kill = null } = {}) {
    this.#withdraw = withdraw;
    this.#isRunning = isRunning;
    this.#kill = kill;
  }

  /**
   * The promise of the outcome. A future holds its error until asked (as in
   * Python): whoever asks gets it, a failure nobody asked for is silent.
   *
   * @returns {Promise<T>}
   */
  #outcome() {
    if (this.#promise === null) {
      if (!this.done()) {
        this.#promise = new Promise((resolve, reject) => {
          this.#resolve = resolve;
          this.#reject = reject;
        });
      } else this.#promise = this.#ok ? Promise.resolve(/** @type {T} */ (this.#value)) : Promise.reject(this.#value);
    }
    return this.#promise;
  }

  /**
   * @template [R1=T]
   * @template [R2=never]
   * @param {((value: T) => R1 | PromiseLike<R1>) | null} [onFulfilled]
   * @param {((reason: any) => R2 | PromiseLike<R2>) | null} [onRejected]
   * @returns {Promise<R1 | R2>}
   */
  // biome-ignore lint/suspicious/noThenProperty: a Future is a thenable on purpose (`await future`).
  then(onFulfilled, onRejected) {
    return this.#outcome().then(onFulfilled, onRejected);
  }
  /**
   * @template [R=never]
   * @param {((reason: any) => R | PromiseLike<R>) | null} [onRejected]
   * @returns {Promise<T | R>}
   */
  catch(onRejected) {
    return this.#outcome().catch(onRejected);
  }
  /**
   * @param {(() => void) | null} [onFinally]
   * @returns {Promise<T>}
   */
  finally(onFinally) {
    return this.#outcome().finally(onFinally);
  }
  get [Symbol.toStringTag]() {
    return 'Future';
  }

  /**
   * Cancels the task if no worker has started it. True if it is (now)
   * cancelled. With `{ force: true }` a running task is stopped too: its
   * worker is terminated and replaced.
   *
   * @param {{ force?: boolean }} [options]
   * @returns {boolean}
   */
  cancel({ force = false } = {}) {
    if (this.#state === CANCELLED) return true;
    if (this.done()) return false;
    if (!this.#isRunning() && this.#withdraw()) {
      this.#settle(CANCELLED, false, new CancelledError());
      return true;
    }
    if (!force || !this.#kill) return false;
    const error = new CancelledError('the task was cancelled while running; its worker was terminated');
    this.#settle(CANCELLED, false, error);
    this.#kill();
    return true;
  }
  cancelled() {
    return this.#state === CANCELLED;
  }
  running() {
    return this.#state === PENDING && this.#isRunning();
  }
  done() {
    return this.#state === FINISHED || this.#state === CANCELLED;
  }

  /**
   * Promise of the result; `timeout` (ms) rejects with TimeoutError and leaves the task running.
   *
   * @param {{ timeout?: number }} [options]
   * @returns {Promise<T>}
   */
  result({ timeout } = {}) {
    const outcome = this.#outcome();
    outcome.catch(noop); // the caller may ignore it, as before
    return withTimeout(outcome, timeout, 'the task');
  }

  /**
   * Promise of the task's error, or null if it succeeded.
   *
   * @param {{ timeout?: number }} [options]
   * @returns {Promise<unknown>}
   */
  exception({ timeout } = {}) {
    const outcome = this.#outcome().then(
      () => null,
      (error) => {
        if (this.#state === CANCELLED) throw error;
        return error;
      },
    );
    return withTimeout(outcome, timeout, 'the task');
  }

  /**
   * Calls `callback(future)` when done (at once if it already is).
   *
   * @param {(future: Future<T>) => void} callback
   */
  addDoneCallback(callback) {
    if (typeof callback !== 'function') throw new TypeError('addDoneCallback needs a function');
    if (this.done()) invoke(callback, this);
    else {
      this.#callbacks ??= [];
      this.#callbacks.push(callback);
    }
  }

  /**
   * Calls `listener(value)` for each `self.wasmpool.progress(value)` of the
   * task. Returns a function that removes the listener.
   *
   * @param {(value: unknown) => void} listener
   * @returns {() => void}
   */
  onProgress(listener) {
    if (typeof listener !== 'function') throw new TypeError('onProgress needs a function');
    this.#progress ??= new Set();
    this.#progress.add(listener);
    return () => /** @type {Set<(value: unknown) => void>} */ (this.#progress).delete(listener);
  }

  /**
   * The task's progress reports as an async iterator that ends when the task does.
   *
   * @returns {AsyncIterableIterator<unknown>}
   */
  progress() {
    /** @type {unknown[]} */
    const queue = [];
    /** @type {(() => void) | null} */
    let wake = null;
    const off = this.onProgress((v) => {
      queue.push(v);
      wake?.();
    });
    this.addDoneCallback(() => wake?.());
    const future = this;
    return {
      async next() {
        while (queue.length === 0 && !future.done())
          await /** @type {Promise<void>} */ (
            new Promise((r) => {
              wake = r;
            })
          );
        wake = null;
        if (queue.length > 0) return { done: false, value: queue.shift() };
        off();
        return { done: true, value: undefined };
      },
      async return() {
        off();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * @internal
   * @param {unknown} value
   */
  _progress(value) {
    if (this.#progress === null) return;
    for (const listener of this.#progress) {
      try {
        listener(value);
      } catch (error) {
        console.error('wasmpool: exception in a progress listener', error);
      }
    }
  }

  /**
   * @internal
   * @param {T} value
   */
  _resolve(value) {
    this.#settle(FINISHED, true, value);
  }
  /**
   * @internal
   * @param {unknown} error
   */
  _reject(error) {
    this.#settle(FINISHED, false, error);
  }
  /**
   * @internal Whether the future succeeded (only meaningful when done).
   * @returns {boolean}
   */
  _succeeded() {
    return this.#state === FINISHED && this.#ok;
  }

  /**
   * @param {number} state FINISHED or CANCELLED
   * @param {boolean} ok
   * @param {unknown} value the result if ok, else the error
   */
  #settle(state, ok, value) {
    if (this.done()) return;
    this.#state = state;
    this.#ok = ok;
    this.#value = value;
    if (this.#promise !== null) {
      if (ok) this.#resolve(/** @type {T} */ (value));
      else this.#reject(value);
    }
    const callbacks = this.#callbacks;
    if (callbacks === null) return;
    this.#callbacks = null;
    for (const cb of callbacks) invoke(cb, this);
  }
}

/**
 * A done-callback that throws is reported and never breaks the pool.
 *
 * @template T
 * @param {(future: Future<T>) => void} callback
 * @param {Future<T>} future
 */
function invoke(callback, future) {
  try {
    callback(future);
  } catch (error) {
    console.error('wasmpool: exception in a done-callback', error);
  }
}
