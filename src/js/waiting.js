// asCompleted and wait: Python's concurrent.futures.as_completed / wait.

import { TimeoutError } from './errors.js';
import { Future } from './future.js';

export const FIRST_COMPLETED = 'FIRST_COMPLETED';
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
export const ALL_COMPLETED = 'ALL_COMPLETED';

/** @typedef {typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED} ReturnWhen */

/**
 * Validates a timeout option (ms): undefined/null/Infinity mean none.
 *
 * @param {unknown} timeout what the caller passed
 * @returns {number | undefined} the timeout, or undefined for none
 */
export function checkTimeout(timeout) {
  if (timeout === undefined || timeout === null || timeout === Infinity) return undefined;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(`timeout must be a number of milliseconds >= 0, got ${String(timeout)}`);
  }
  return timeout;
}

/**
 * @template T
 * @param {Iterable<Future<T>>} futures
 * @param {string} what the caller, for the error's message
 * @returns {Future<T>[]}
 */
function uniqueFutures(futures, what) {
  if (futures === null || futures === undefined || typeof futures[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} needs an iterable of futures, got ${futures === null ? 'null' : typeof futures}`);
  }
  const unique = [...new Set(futures)];
  for (const f of unique) {
    if (!(f instanceof Future)) throw new TypeError(`${what} needs futures returned by pool.submit, got ${String(f)}`);
  }
  return unique;
}

/**
 * Yields each future as it finishes (already finished ones first, each future
 * once). Throws TimeoutError if they have not all finished `timeout` ms after
 * the call.
 *
 * @template T
 * @param {Iterable<Future<T>>} futures
 * @param {{ timeout?: number }} [options]
 * @returns {AsyncIterableIterator<Future<T>>}
 */
export function asCompleted(futures, { timeout } = {}) {
  const list = uniqueFutures(futures, 'asCompleted');
  const ms = checkTimeout(timeout);
  const deadline = ms === undefined ? Infinity : performance.now() + ms;
  // Already finished ones first, then in completion order.
  const queue = list.filter((f) => f.done());
  /** @type {(() => void) | null} */
  let wake = null;
  for (const f of list) {
    if (!f.done())
      f.addDoneCallback((g) => {
        queue.push(g);
        wake?.();
      });
  }
  let yielded = 0;
  // A hand-written iterator, not an async generator: a generator would await
  // each yielded Future (it is a thenable) and yield its result instead.
  /** @type {AsyncIterableIterator<Future<T>>} */
  const iterator = {
    async next() {
      if (yielded >= list.length) return { done: true, value: undefined };
      while (queue.length === 0) {
        const left = deadline - performance.now();
        if (left <= 0) {
          const unfinished = list.length - queue.length - yielded;
          yielded = list.length; // the iterator is over
          throw new TimeoutError(`${unfinished} of ${list.length} futures unfinished after ${ms} ms`);
        }
        await /** @type {Promise<void>} */ (
          new Promise((resolve) => {
            const timer = left === Infinity ? null : setTimeout(resolve, left);
            wake = () => {
              if (timer) clearTimeout(timer);
              wake = null;
              resolve();
            };
          })
        );
      }
      yielded++;
      // The loop above waited for one.
      return { done: false, value: /** @type {Future<T>} */ (queue.shift()) };
    },
    async return() {
      yielded = list.length;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}

/**
 * Waits until the futures satisfy `returnWhen` or `timeout` ms pass.
 * Resolves to `{ done, notDone }` sets (never rejects on timeout, as in Python).
 *
 * @template T
 * @param {Iterable<Future<T>>} futures
 * @param {{ timeout?: number, returnWhen?: ReturnWhen }} [options]
 * @returns {Promise<{ done: Set<Future<T>>, notDone: Set<Future<T>> }>}
 */
export function wait(futures, { timeout, returnWhen = ALL_COMPLETED } = {}) {
  const list = uniqueFutures(futures, 'wait');
  const ms = checkTimeout(timeout);
  if (![FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED].includes(returnWhen)) {
    throw new RangeError(
      `returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${String(returnWhen)}`,
    );
  }
  /** @param {Future<T>} f */
  const failed = (f) => f.done() && !f.cancelled() && !f._succeeded();
  const satisfied = () => {
    const done = list.filter((f) => f.done());
    if (returnWhen === FIRST_COMPLETED) return done.length > 0;
    if (returnWhen === FIRST_EXCEPTION) return done.some(failed) || done.length === list.length;
    return done.length === list.length;
  };
  const split = () => ({
    done: new Set(list.filter((f) => f.done())),
    notDone: new Set(list.filter((f) => !f.done())),
  });
  return new Promise((resolve) => {
    if (satisfied()) return resolve(split());
    /** @type {ReturnType<typeof setTimeout> | null} */
    let timer = null;
    let settled = false;
    const check = () => {
      if (settled || !satisfied()) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(split());
    };
    for (const f of list) f.addDoneCallback(check);
    if (ms !== undefined)
      timer = setTimeout(() => {
        if (!settled) {
          settled = true;
          resolve(split());
        }
      }, ms);
  });
}
