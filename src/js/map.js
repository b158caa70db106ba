// map: Python's Executor.map / Pool.map / imap, over chunks of items.
//
// Each chunk is one task: the worker calls the function once per item of the
// chunk and returns `[values, failures]`, where failures (usually null) lists
// `[index, error]` for items that threw, so an item's error surfaces exactly
// when iteration reaches that item. No per-item wrapper objects: a chunk of
// 10,000 numbers travels as two arrays. Finite, sized inputs (arrays,
// typed arrays, Sets, Maps) are split and submitted at once; other iterables
// (generators, async iterables, endless ones) are pulled lazily with at most
// `buffersize` chunks in flight, so memory stays flat.

import { TimeoutError } from './errors.js';
import { checkTimeout } from './waiting.js';

/** @typedef {import('./future.js').Future<ChunkResult>} ChunkFuture */
/** @typedef {Iterable<unknown> | AsyncIterable<unknown>} Input */

/**
 * What a chunk's task returns: the values, and `[index, error]` for the items
 * that threw (null if none did).
 *
 * @typedef {[unknown[], Array<[number, unknown]> | null]} ChunkResult
 */

/** @typedef {import('./index.js').MapOptions} MapOptions */

/**
 * Submits one chunk: `items` are single arguments if `flat`, else argument lists.
 *
 * @typedef {(items: unknown[], flat: boolean) => ChunkFuture} SubmitChunk
 */

/**
 * The chunks of a map: every one submitted at once (`eager`, sized inputs), or
 * what pulls them from a lazy source.
 *
 * @typedef {{ eager: ChunkFuture[], lazy?: undefined }
 *   | { eager?: undefined, lazy: AsyncGenerator<unknown, void, undefined>, flat: boolean, chunksize: number, buffersize: number }} Started
 */

/**
 * CPython's Pool.map default: ceil(len / (4 × workers)).
 *
 * @param {number} length
 * @param {number} workers
 * @returns {number}
 */
export function defaultChunksize(length, workers) {
  return Math.max(1, Math.ceil(length / (4 * workers)));
}

/**
 * @param {any} x
 * @returns {x is Input}
 */
function isIterable(x) {
  return x != null && (typeof x[Symbol.iterator] === 'function' || typeof x[Symbol.asyncIterator] === 'function');
}
/**
 * @param {unknown} x
 * @returns {x is Iterable<unknown>}
 */
function isSized(x) {
  return Array.isArray(x) || ArrayBuffer.isView(x) || x instanceof Set || x instanceof Map || typeof x === 'string';
}

/**
 * Splits `map(fn, ...iterables, options)` arguments; validates at the call site.
 *
 * @param {string} what the caller, for the errors' messages
 * @param {unknown[]} rest the arguments after `fn` (the options are taken off it)
 * @returns {{ iterables: Input[], options: MapOptions }}
 */
export function parseMapArgs(what, rest) {
  /** @type {MapOptions} */
  let options = {};
  const last = rest[rest.length - 1];
  if (rest.length > 0 && last !== null && typeof last === 'object' && !isIterable(last)) {
    options = /** @type {MapOptions} */ (rest.pop());
  }
  if (rest.length === 0) throw new TypeError(`${what} needs at least one iterable of inputs`);
  rest.forEach((it, i) => {
    if (!isIterable(it))
      throw new TypeError(`${what}: argument ${i + 1} is not iterable (got ${it === null ? 'null' : typeof it})`);
  });
  const { timeout, chunksize, buffersize } = options;
  checkTimeout(timeout);
  for (const [name, v] of [
    ['chunksize', chunksize],
    ['buffersize', buffersize],
  ]) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
      throw new RangeError(`${what}: ${name} must be an integer >= 1, got ${String(v)}`);
    }
  }
  return { iterables: /** @type {Input[]} */ (rest), options };
}

/**
 * The result of map: `await` it for the array of results in input order, or
 * `for await` over it to get each result as soon as it and its predecessors
 * are done.
 *
 * `submitChunk(items, flat)` submits one chunk and returns its Future: with
 * `flat`, `items` are single arguments (one iterable, not starmap: the common
 * case, sent as they are); otherwise argument lists.
 *
 * @template [T=unknown]
 * @implements {PromiseLike<T[]>}
 * @implements {AsyncIterable<T>}
 */
export class MapResult {
  /** @type {AsyncGenerator<ChunkResult, void, undefined>} */
  #chunks;
  /** @type {AsyncGenerator<T, void, undefined> | null} */
  #iterator = null;
  /** @type {Promise<T[]> | null} */
  #collected = null;
  /** @type {Started} */
  #started;

  /**
   * @param {object} init
   * @param {Input[]} init.iterables
   * @param {MapOptions} init.options
   * @param {number} init.workers the pool's, for the default chunksize and buffersize
   * @param {SubmitChunk} init.submitChunk
   * @param {boolean} [init.star] each item is an argument list (starmap)
   * @param {boolean} [init.ordered] results in input order (false: completion order)
   */
  constructor({ iterables, options, workers, submitChunk, star = false, ordered = true }) {
    const start = performance.now();
    const timeout = checkTimeout(options.timeout);
    const deadline = timeout === undefined ? Infinity : start + timeout;
    const sized = iterables.every(isSized);
    /** @type {ChunkFuture[]} */
    let chunks;
    let chunksize = options.chunksize;
    if (sized) {
      // Eager: zip now, so unsendable items fail at the call site.
      const { items, flat } = zipSized(iterables, star);
      chunksize ??= defaultChunksize(items.length, workers);
      chunks = [];
      for (let i = 0; i < items.length; i += chunksize) chunks.push(submitChunk(items.slice(i, i + chunksize), flat));
      this.#started = { eager: chunks };
    } else {
      chunksize ??= 1;
      const buffersize = options.buffersize ?? 4 * workers;
      const flat = isFlat(iterables, star);
      this.#started = { lazy: zipLazy(iterables, star, flat), flat, chunksize, buffersize };
    }
    // Results travel chunk by chunk: awaiting the whole map never pays an
    // async-iteration step per item, only iterating it item by item does.
    this.#chunks = (ordered ? orderedChunks : unorderedChunks)(this.#started, submitChunk, deadline, timeout);
  }

  /**
   * Each result as soon as it (and, for ordered maps, its predecessors) is done.
   *
   * @returns {AsyncIterator<T>}
   */
  [Symbol.asyncIterator]() {
    // The workers' values are the task function's results, typed by Pool.map.
    this.#iterator ??= /** @type {AsyncGenerator<T, void, undefined>} */ (flatten(this.#chunks));
    return this.#iterator;
  }

  /**
   * Collects every result (in input order for ordered maps).
   *
   * @template [R1=T[]]
   * @template [R2=never]
   * @param {((value: T[]) => R1 | PromiseLike<R1>) | null} [onFulfilled]
   * @param {((reason: any) => R2 | PromiseLike<R2>) | null} [onRejected]
   * @returns {Promise<R1 | R2>}
   */
  // biome-ignore lint/suspicious/noThenProperty: a MapResult is a thenable on purpose (`await pool.map(...)`).
  then(onFulfilled, onRejected) {
    this.#collected ??= /** @type {Promise<T[]>} */ (collect(this.#chunks));
    return this.#collected.then(onFulfilled, onRejected);
  }
  /**
   * @template [R=never]
   * @param {((reason: any) => R | PromiseLike<R>) | null} [onRejected]
   * @returns {Promise<T[] | R>}
   */
  catch(onRejected) {
    return this.then(undefined, onRejected);
  }
  /**
   * @param {(() => void) | null} [onFinally]
   * @returns {Promise<T[]>}
   */
  finally(onFinally) {
    return this.then().finally(onFinally);
  }
}

/**
 * The values of a chunk result up to its first failure, and that failure.
 *
 * @param {ChunkResult} result
 * @returns {{ values: unknown[], error: unknown, errorAt: number }}
 */
function split([values, failures]) {
  if (failures === null || failures.length === 0) return { values, error: null, errorAt: values.length };
  const [index, error] = failures[0];
  return { values, error, errorAt: index };
}

/**
 * @param {AsyncIterable<ChunkResult>} chunks
 * @returns {AsyncGenerator<unknown, void, undefined>}
 */
async function* flatten(chunks) {
  for await (const chunk of chunks) {
    const { values, error, errorAt } = split(chunk);
    for (let i = 0; i < errorAt; i++) yield values[i];
    if (error !== null) throw error;
  }
}

/**
 * @param {AsyncIterable<ChunkResult>} chunks
 * @returns {Promise<unknown[]>}
 */
async function collect(chunks) {
  const out = [];
  for await (const chunk of chunks) {
    const { values, error, errorAt } = split(chunk);
    if (error !== null) throw error;
    for (let i = 0; i < errorAt; i++) out.push(values[i]);
  }
  return out;
}

// One iterable and not starmap: each item is the only argument, and chunks
// are slices of the items themselves (no per-item argument list, which is
// ~40% of map's overhead on numbers).
/**
 * @param {unknown[]} iterables
 * @param {boolean} star
 */
const isFlat = (iterables, star) => !star && iterables.length === 1;

/**
 * Eager zip of sized iterables: `{ items, flat }`.
 *
 * @param {Iterable<unknown>[]} iterables
 * @param {boolean} star
 * @returns {{ items: unknown[], flat: boolean }}
 */
function zipSized(iterables, star) {
  const arrays = iterables.map((it) => (Array.isArray(it) ? it : Array.from(it)));
  if (isFlat(iterables, star)) return { items: arrays[0], flat: true };
  const n = Math.min(...arrays.map((a) => a.length));
  const tuples = new Array(n);
  for (let i = 0; i < n; i++) {
    if (star) {
      /** @type {any} checked below */
      const args = arrays[0][i];
      if (args == null || typeof args[Symbol.iterator] !== 'function') {
        throw new TypeError(`starmap: item ${i} is not an argument list (got ${args === null ? 'null' : typeof args})`);
      }
      tuples[i] = [...args];
    } else {
      tuples[i] = arrays.map((a) => a[i]);
    }
  }
  return { items: tuples, flat: false };
}

/**
 * @param {Input[]} iterables
 * @param {boolean} star
 * @param {boolean} flat
 * @returns {AsyncGenerator<unknown, void, undefined>}
 */
async function* zipLazy(iterables, star, flat) {
  /** @type {Array<Iterator<unknown> | AsyncIterator<unknown>>} */
  const its = iterables.map((/** @type {any} either kind */ it) =>
    typeof it[Symbol.asyncIterator] === 'function' ? it[Symbol.asyncIterator]() : it[Symbol.iterator](),
  );
  try {
    for (;;) {
      const steps = await Promise.all(its.map((it) => it.next()));
      if (steps.some((s) => s.done)) return;
      if (flat) yield steps[0].value;
      else yield star ? [.../** @type {Iterable<unknown>} */ (steps[0].value)] : steps.map((s) => s.value);
    }
  } finally {
    await Promise.all(its.map((it) => it.return?.()));
  }
}

/**
 * @template T
 * @param {PromiseLike<T>} promise
 * @param {number} deadline performance.now() time, or Infinity
 * @param {number | undefined} timeout the map's, for the error's message
 * @returns {Promise<T>}
 */
async function withDeadline(promise, deadline, timeout) {
  if (deadline === Infinity) return promise;
  const left = deadline - performance.now();
  if (left <= 0) throw new TimeoutError(`map did not finish within ${timeout} ms`);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  try {
    return await Promise.race([
      promise,
      /** @type {Promise<never>} */ (
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new TimeoutError(`map did not finish within ${timeout} ms`)), left);
        })
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// Yields `{ future }` for each chunk in submission order, keeping the lazy
// source's buffer topped up. (Wrapped: an async generator would otherwise
// await a yielded thenable, with no deadline.) A source that throws ends the
// chunks: the items it gave before are submitted (a partial chunk too) and
// yielded, and its error is thrown after them, where CPython's imap raises it.
/**
 * @param {Started} started
 * @param {SubmitChunk} submitChunk
 * @returns {AsyncGenerator<{ future: ChunkFuture }, void, undefined>}
 */
async function* chunkFutures(started, submitChunk) {
  if (started.eager) {
    for (const future of started.eager) yield { future };
    return;
  }
  const { lazy, flat, chunksize, buffersize } = started;
  /** @type {ChunkFuture[]} */
  const inFlight = [];
  let exhausted = false;
  /** @type {{ error: unknown } | null} */
  let failure = null; // { error } once reading or submitting an item threw
  const fill = async () => {
    while (!exhausted && inFlight.length < buffersize) {
      /** @type {unknown[]} */
      const chunk = [];
      try {
        while (chunk.length < chunksize) {
          const step = await lazy.next();
          if (step.done) {
            exhausted = true;
            break;
          }
          chunk.push(step.value);
        }
      } catch (error) {
        failure = { error };
        exhausted = true;
      }
      if (chunk.length === 0) continue;
      try {
        inFlight.push(submitChunk(chunk, flat));
      } catch (error) {
        // A chunk that cannot be sent fails at its place too, before a later input error.
        failure = { error };
        exhausted = true;
      }
    }
  };
  try {
    await fill();
    while (inFlight.length) {
      yield { future: /** @type {ChunkFuture} */ (inFlight.shift()) };
      await fill();
    }
    // (A cast: tsc does not see that fill sets it.)
    if (failure !== null) throw /** @type {{ error: unknown }} */ (failure).error;
  } finally {
    for (const f of inFlight) f.cancel();
    await lazy.return();
  }
}

/**
 * @param {Started} started
 * @param {SubmitChunk} submitChunk
 * @param {number} deadline performance.now() time, or Infinity
 * @param {number | undefined} timeout
 * @returns {AsyncGenerator<ChunkResult, void, undefined>}
 */
async function* orderedChunks(started, submitChunk, deadline, timeout) {
  const futures = chunkFutures(started, submitChunk);
  /** @type {ChunkFuture[]} */
  const pending = [];
  try {
    for await (const { future } of futures) {
      pending.push(future);
      const chunk = await withDeadline(future, deadline, timeout);
      pending.shift();
      yield chunk;
    }
  } finally {
    // Python cancels what is left when the consumer stops early or fails.
    for (const f of pending) f.cancel();
    if (started.eager) for (const f of started.eager) f.cancel();
    await futures.return();
  }
}

/**
 * @param {Started} started
 * @param {SubmitChunk} submitChunk
 * @param {number} deadline performance.now() time, or Infinity
 * @param {number | undefined} timeout
 * @returns {AsyncGenerator<ChunkResult, void, undefined>}
 */
async function* unorderedChunks(started, submitChunk, deadline, timeout) {
  // Completion order: chunks are awaited as they finish, keeping the same
  // in-flight bound for lazy sources.
  const futures = chunkFutures(started, submitChunk);
  /** @type {Set<ChunkFuture>} */
  const running = new Set();
  let sourceDone = false;
  /** @type {{ error: unknown } | null} */
  let sourceFailure = null; // { error } thrown by the source, raised once the chunks before it are yielded
  /** @type {ChunkFuture[]} */
  const ready = [];
  /** @type {(() => void) | null} */
  let wake = null;
  /** @param {ChunkFuture} f */
  const track = (f) => {
    running.add(f);
    f.then(
      () => 0,
      () => 0,
    ).then(() => {
      running.delete(f);
      ready.push(f);
      wake?.();
    });
  };
  try {
    const limit = started.eager ? Infinity : started.buffersize;
    for (;;) {
      while (!sourceDone && running.size < limit) {
        let step;
        try {
          step = await futures.next();
        } catch (error) {
          sourceFailure = { error };
          sourceDone = true;
          break;
        }
        if (step.done) {
          sourceDone = true;
          break;
        }
        track(step.value.future);
      }
      if (ready.length === 0) {
        if (sourceDone && running.size === 0) {
          if (sourceFailure !== null) throw sourceFailure.error;
          return;
        }
        await withDeadline(
          /** @type {Promise<void>} */ (
            new Promise((r) => {
              wake = r;
            })
          ),
          deadline,
          timeout,
        );
        wake = null;
        continue;
      }
      // (Not empty: checked above.)
      yield await /** @type {ChunkFuture} */ (ready.shift());
    }
  } finally {
    for (const f of running) f.cancel();
    if (started.eager) for (const f of started.eager) f.cancel();
    await futures.return();
  }
}
