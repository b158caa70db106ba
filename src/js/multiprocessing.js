// multiprocessing.Pool for the browser: a thin class over the same Pool core,
// with Python's method names and semantics (apply/map/starmap/imap and their
// *Async forms, close/terminate/join, `await using` terminates).

import { PoolError } from './errors.js';
import { withTimeout } from './future.js';
import { Pool } from './page/pool.js';
import { checkTimeout } from './waiting.js';

/** @typedef {import('./index.js').TimeoutOption} TimeoutOption */
/**
 * @template T
 * @typedef {import('./index.js').Callbacks<T>} Callbacks
 */
/** @typedef {(...args: any[]) => unknown} TaskFunction */
/** @typedef {Iterable<unknown> | AsyncIterable<unknown>} Input */

/**
 * What a MultiprocessingPool uses of its Pool (page/pool.js; the cast where
 * one is made checks that Pool has these members).
 *
 * @typedef {object} PoolCore
 * @property {Promise<void>} ready
 * @property {number} workers
 * @property {import('./index.js').Transport} transport
 * @property {(fn: TaskFunction | string, ...args: unknown[]) => import('./future.js').Future<unknown>} submit
 * @property {(options: { wait?: boolean }) => Promise<void>} shutdown
 * @property {() => Promise<void>} terminate
 * @property {(fn: TaskFunction | string, rest: unknown[], how: MapHow) => import('./map.js').MapResult<unknown>} _mapWith
 *   map, imapUnordered and starmap in one (`what`: the method called, for error messages)
 */
/** @typedef {{ what: string, star?: boolean, ordered?: boolean }} MapHow */

/**
 * The result of applyAsync/mapAsync/starmapAsync (Python's AsyncResult).
 *
 * @template [T=unknown]
 */
export class AsyncResult {
  /** @type {Promise<T>} */
  #promise;
  /** @type {'pending' | 'ok' | 'error'} */
  #state = 'pending';

  /**
   * @internal
   * @param {Promise<T>} promise
   * @param {Callbacks<T>} [callbacks]
   */
  constructor(promise, { callback, errorCallback } = {}) {
    for (const [name, cb] of [
      ['callback', callback],
      ['errorCallback', errorCallback],
    ]) {
      if (cb !== undefined && typeof cb !== 'function') throw new TypeError(`${name} must be a function`);
    }
    this.#promise = promise.then(
      (value) => {
        this.#state = 'ok';
        if (callback) report(callback, value);
        return value;
      },
      (error) => {
        this.#state = 'error';
        if (errorCallback) report(errorCallback, error);
        throw error;
      },
    );
    this.#promise.catch(() => {});
  }

  /**
   * Promise of the result; rejects with the task's error, or TimeoutError after `timeout` ms.
   *
   * @param {TimeoutOption} [options]
   * @returns {Promise<T>}
   */
  get({ timeout } = {}) {
    return withTimeout(this.#promise, checkTimeout(timeout), 'the result');
  }
  /**
   * Resolves when the result is ready or `timeout` ms passed (never rejects).
   *
   * @param {TimeoutOption} [options]
   * @returns {Promise<void>}
   */
  wait({ timeout } = {}) {
    return withTimeout(this.#promise, checkTimeout(timeout), 'the result').then(
      () => undefined,
      () => undefined,
    );
  }
  /** @returns {boolean} */
  ready() {
    return this.#state !== 'pending';
  }
  /**
   * Whether the call succeeded. Throws if it is not ready yet, as Python does.
   *
   * @returns {boolean}
   */
  successful() {
    if (this.#state === 'pending') throw new PoolError('successful() called before the result is ready');
    return this.#state === 'ok';
  }
}

/**
 * @template T
 * @param {(value: T) => void} callback
 * @param {T} value
 */
function report(callback, value) {
  try {
    callback(value);
  } catch (error) {
    console.error('wasmpool: exception in a callback', error);
  }
}

/**
 * An async iterator with Python's `next(timeout)`: a timed-out next() keeps the
 * pending item, so no result is skipped.
 *
 * @template [T=unknown]
 * @implements {AsyncIterableIterator<T>}
 */
export class IMapIterator {
  /** @type {AsyncIterator<T>} */
  #inner;
  /** @type {Promise<IteratorResult<T>> | null} */
  #pending = null;

  /**
   * @internal
   * @param {import('./map.js').MapResult<T>} mapResult
   */
  constructor(mapResult) {
    this.#inner = mapResult[Symbol.asyncIterator]();
  }
  /**
   * @param {TimeoutOption} [options]
   * @returns {Promise<IteratorResult<T>>}
   */
  next({ timeout } = {}) {
    const ms = checkTimeout(timeout);
    this.#pending ??= this.#inner.next();
    const pending = this.#pending;
    const clear = () => {
      if (this.#pending === pending) this.#pending = null;
    };
    pending.then(clear, clear);
    if (ms === undefined) return pending;
    return withTimeout(pending, ms, 'the next result');
  }
  /**
   * @param {unknown} [value]
   * @returns {Promise<IteratorResult<T>>}
   */
  return(value) {
    this.#pending = null;
    // MapResult's iterator is an async generator: it has return().
    return /** @type {AsyncGenerator<T, unknown>} */ (this.#inner).return(value);
  }
  /** @returns {IMapIterator<T>} */
  [Symbol.asyncIterator]() {
    return this;
  }
}

/**
 * @param {number | null | undefined} chunksize
 * @returns {{ chunksize?: number }}
 */
function chunkOption(chunksize) {
  return chunksize === undefined || chunksize === null ? {} : { chunksize };
}

export class MultiprocessingPool {
  /** @type {PoolCore} */
  #pool;
  /** @type {'running' | 'closed' | 'terminated'} */
  #state = 'running';

  /**
   * @param {import('./index.js').MultiprocessingOptions} [options] `processes` (or `workers`), `initializer`,
   *   `initargs`, `maxTasksPerChild`, `module` (task modules)
   */
  constructor({ processes, workers, ...rest } = {}) {
    this.#pool = /** @type {PoolCore} */ (new Pool({ ...rest, workers: processes ?? workers }));
  }

  /** Resolves when every worker has started. */
  get ready() {
    return this.#pool.ready;
  }
  get processes() {
    return this.#pool.workers;
  }
  /** The transport that runs: 'shared' or 'message' (Pool's `transport`). */
  get transport() {
    return this.#pool.transport;
  }

  /** @param {string} what the method called, for the error's message */
  #check(what) {
    if (this.#state !== 'running')
      throw new PoolError(`cannot ${what}: the pool is ${this.#state} (Python: "Pool not running")`);
  }

  /**
   * @param {TaskFunction | string} fn
   * @param {unknown[]} [args]
   * @returns {Promise<unknown>}
   */
  apply(fn, args = []) {
    this.#check('apply');
    return Promise.resolve(this.#pool.submit(fn, ...args));
  }
  /**
   * @param {TaskFunction | string} fn
   * @param {unknown[]} [args]
   * @param {Callbacks<unknown>} [callbacks]
   * @returns {AsyncResult<unknown>}
   */
  applyAsync(fn, args = [], { callback, errorCallback } = {}) {
    this.#check('applyAsync');
    return new AsyncResult(Promise.resolve(this.#pool.submit(fn, ...args)), { callback, errorCallback });
  }
  /**
   * @param {TaskFunction | string} fn
   * @param {Input} iterable
   * @param {number | null} [chunksize]
   * @returns {Promise<unknown[]>}
   */
  map(fn, iterable, chunksize) {
    this.#check('map');
    return Promise.resolve(this.#pool._mapWith(fn, [iterable, chunkOption(chunksize)], { what: 'map' }));
  }
  /**
   * @param {TaskFunction | string} fn
   * @param {Input} iterable
   * @param {number | null} [chunksize]
   * @param {Callbacks<unknown[]>} [callbacks]
   * @returns {AsyncResult<unknown[]>}
   */
  mapAsync(fn, iterable, chunksize, { callback, errorCallback } = {}) {
    this.#check('mapAsync');
    return new AsyncResult(
      Promise.resolve(this.#pool._mapWith(fn, [iterable, chunkOption(chunksize)], { what: 'mapAsync' })),
      { callback, errorCallback },
    );
  }
  /**
   * @param {TaskFunction | string} fn
   * @param {Input} iterable of argument lists
   * @param {number | null} [chunksize]
   * @returns {Promise<unknown[]>}
   */
  starmap(fn, iterable, chunksize) {
    this.#check('starmap');
    return Promise.resolve(
      this.#pool._mapWith(fn, [iterable, chunkOption(chunksize)], { what: 'starmap', star: true }),
    );
  }
  /**
   * @param {TaskFunction | string} fn
   * @param {Input} iterable of argument lists
   * @param {number | null} [chunksize]
   * @param {Callbacks<unknown[]>} [callbacks]
   * @returns {AsyncResult<unknown[]>}
   */
  starmapAsync(fn, iterable, chunksize, { callback, errorCallback } = {}) {
    this.#check('starmapAsync');
    return new AsyncResult(
      Promise.resolve(
        this.#pool._mapWith(fn, [iterable, chunkOption(chunksize)], { what: 'starmapAsync', star: true }),
      ),
      { callback, errorCallback },
    );
  }
  /**
   * Ordered results as an async iterator (chunksize default 1, as in Python).
   *
   * @param {TaskFunction | string} fn
   * @param {Input} iterable
   * @param {number} [chunksize]
   * @returns {IMapIterator<unknown>}
   */
  imap(fn, iterable, chunksize = 1) {
    this.#check('imap');
    return new IMapIterator(this.#pool._mapWith(fn, [iterable, { chunksize }], { what: 'imap' }));
  }
  /**
   * Results in completion order (chunksize default 1).
   *
   * @param {TaskFunction | string} fn
   * @param {Input} iterable
   * @param {number} [chunksize]
   * @returns {IMapIterator<unknown>}
   */
  imapUnordered(fn, iterable, chunksize = 1) {
    this.#check('imapUnordered');
    return new IMapIterator(
      this.#pool._mapWith(fn, [iterable, { chunksize }], { what: 'imapUnordered', ordered: false }),
    );
  }

  /** No new tasks; queued ones still run. */
  close() {
    if (this.#state === 'running') this.#state = 'closed';
    this.#closing ??= this.#pool.shutdown({ wait: true });
  }
  /** @type {Promise<void> | null} */
  #closing = null;
  /**
   * Stops now; outstanding results reject with ShutdownError.
   *
   * @returns {Promise<void>}
   */
  terminate() {
    this.#state = 'terminated';
    this.#closing = this.#pool.terminate();
    return this.#closing;
  }
  /**
   * After close() or terminate(): resolves when every worker has exited.
   *
   * @returns {Promise<void>}
   */
  join() {
    if (this.#state === 'running')
      throw new PoolError('join() called before close() or terminate() (Python raises ValueError)');
    // Not running: close() or terminate() set it.
    return /** @type {Promise<void>} */ (this.#closing);
  }
  /**
   * `await using pool = new multiprocessing.Pool()` terminates on exit, as Python's `with Pool()` does.
   *
   * @returns {Promise<void>}
   */
  // Symbol.for(…) where the engine lacks Symbol.asyncDispose: see Pool's.
  [Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')]() {
    return this.terminate();
  }
}

/** `multiprocessing.Pool`, for readers of Python code. */
export const multiprocessing = Object.freeze({ Pool: MultiprocessingPool, AsyncResult });
