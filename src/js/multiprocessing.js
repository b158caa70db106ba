// multiprocessing.Pool for the browser: a thin class over the same Pool core,
// with Python's method names and semantics (apply/map/starmap/imap and their
// *Async forms, close/terminate/join, `await using` terminates).

import { PoolError } from './errors.js';
import { withTimeout } from './future.js';
import { Pool } from './page/pool.js';
import { checkTimeout } from './waiting.js';

/** The result of applyAsync/mapAsync/starmapAsync (Python's AsyncResult). */
export class AsyncResult {
  #promise;
  #state = 'pending'; // 'pending' | 'ok' | 'error'

  /** @internal */
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

  /** Promise of the result; rejects with the task's error, or TimeoutError after `timeout` ms. */
  get({ timeout } = {}) {
    return withTimeout(this.#promise, checkTimeout(timeout), 'the result');
  }
  /** Resolves when the result is ready or `timeout` ms passed (never rejects). */
  wait({ timeout } = {}) {
    return withTimeout(this.#promise, checkTimeout(timeout), 'the result').then(
      () => undefined,
      () => undefined,
    );
  }
  ready() {
    return this.#state !== 'pending';
  }
  /** Whether the call succeeded. Throws if it is not ready yet, as Python does. */
  successful() {
    if (this.#state === 'pending') throw new PoolError('successful() called before the result is ready');
    return this.#state === 'ok';
  }
}

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
 */
export class IMapIterator {
  #inner;
  #pending = null;

  /** @internal */
  constructor(mapResult) {
    this.#inner = mapResult[Symbol.asyncIterator]();
  }
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
  return(value) {
    this.#pending = null;
    return this.#inner.return(value);
  }
  [Symbol.asyncIterator]() {
    return this;
  }
}

function chunkOption(chunksize) {
  return chunksize === undefined || chunksize === null ? {} : { chunksize };
}

export class MultiprocessingPool {
  #pool;
  #state = 'running'; // 'running' | 'closed' | 'terminated'

  /**
   * @param {object} [options] `processes` (or `workers`), `initializer`, `initargs`,
   *   `maxTasksPerChild`, `module` (task modules)
   */
  constructor({ processes, workers, ...rest } = {}) {
    this.#pool = new Pool({ ...rest, workers: processes ?? workers });
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

  #check(what) {
    if (this.#state !== 'running')
      throw new PoolError(`cannot ${what}: the pool is ${this.#state} (Python: "Pool not running")`);
  }

  apply(fn, args = []) {
    this.#check('apply');
    return Promise.resolve(this.#pool.submit(fn, ...args));
  }
  applyAsync(fn, args = [], { callback, errorCallback } = {}) {
    this.#check('applyAsync');
    return new AsyncResult(Promise.resolve(this.#pool.submit(fn, ...args)), { callback, errorCallback });
  }
  map(fn, iterable, chunksize) {
    this.#check('map');
    return Promise.resolve(this.#pool._mapWith(fn, [iterable, chunkOption(chunksize)], { what: 'map' }));
  }
  mapAsync(fn, iterable, chunksize, { callback, errorCallback } = {}) {
    this.#check('mapAsync');
    return new AsyncResult(
      Promise.resolve(this.#pool._mapWith(fn, [iterable, chunkOption(chunksize)], { what: 'mapAsync' })),
      { callback, errorCallback },
    );
  }
  starmap(fn, iterable, chunksize) {
    this.#check('starmap');
    return Promise.resolve(
      this.#pool._mapWith(fn, [iterable, chunkOption(chunksize)], { what: 'starmap', star: true }),
    );
  }
  starmapAsync(fn, iterable, chunksize, { callback, errorCallback } = {}) {
    this.#check('starmapAsync');
    return new AsyncResult(
      Promise.resolve(
        this.#pool._mapWith(fn, [iterable, chunkOption(chunksize)], { what: 'starmapAsync', star: true }),
      ),
      { callback, errorCallback },
    );
  }
  /** Ordered results as an async iterator (chunksize default 1, as in Python). */
  imap(fn, iterable, chunksize = 1) {
    this.#check('imap');
    return new IMapIterator(this.#pool._mapWith(fn, [iterable, { chunksize }], { what: 'imap' }));
  }
  /** Results in completion order (chunksize default 1). */
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
  #closing = null;
  /** Stops now; outstanding results reject with ShutdownError. */
  terminate() {
    this.#state = 'terminated';
    this.#closing = this.#pool.terminate();
    return this.#closing;
  }
  /** After close() or terminate(): resolves when every worker has exited. */
  join() {
    if (this.#state === 'running')
      throw new PoolError('join() called before close() or terminate() (Python raises ValueError)');
    return this.#closing;
  }
  /** `await using pool = new multiprocessing.Pool()` terminates on exit, as Python's `with Pool()` does. */
  // Symbol.for(…) where the engine lacks Symbol.asyncDispose: see Pool's.
  [Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')]() {
    return this.terminate();
  }
}

/** `multiprocessing.Pool`, for readers of Python code. */
export const multiprocessing = Object.freeze({ Pool: MultiprocessingPool, AsyncResult });
