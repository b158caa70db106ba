// Pool: the public face of a wasmpool pool on the page. It checks the call,
// then makes one call into the pool engine (engine.js), which runs it on one
// of two transports:
//   memory/  tasks and results in the pool's shared wasm memory (a
//            cross-origin isolated page: the fastest)
//   message/ tasks and results in batched postMessages (any page)

import { MapResult, parseMapArgs } from '../map.js';
import { canShareMemory } from '../runtime.js';
import { PoolEngine, rejected } from './engine.js';
import { MemoryTransport } from './memory/transport.js';
import { MessageTransport } from './message/transport.js';
import { poolConfig, TaskOptions } from './options.js';

export { MAX_WORKERS, TaskOptions } from './options.js';

/** @typedef {import('../future.js').Future} Future */
/** @typedef {import('../map.js').ChunkResult} ChunkResult */
/** @typedef {import('../map.js').Input} Input */
/** @typedef {import('../index.js').MapOptions} MapOptions */
/** @typedef {import('./task-codes.js').Code} Code */
/** @typedef {import('./memory/shared-arrays.js').TypedArrayConstructor} TypedArrayConstructor */
/**
 * @template A
 * @typedef {import('../index.js').SharedTypedArray<A>} SharedTypedArray
 */
/** @typedef {(...args: any[]) => unknown} TaskFunction */

// The page hears once that 'auto' picked the message transport.
let toldFallback = false;

export class Pool {
  /** @type {import('./options.js').PoolConfig} */
  #config;
  /** @type {PoolEngine} */
  #engine;

  /**
   * @param {object} [options] each checked here (page/options.js poolConfig): a bad one is a TypeError or
   *   RangeError
   * @param {'auto'|'shared'|'message'} [options.transport] default 'auto': shared memory where the page
   *   can share it with workers (cross-origin isolated), else message passing
   * @param {boolean} [options.quiet] no console.info when 'auto' falls back to message passing
   * @param {number} [options.workers] worker threads (default navigator.hardwareConcurrency)
   * @param {Array<string|URL>|string|URL} [options.module] task module(s) every worker imports
   * @param {TaskFunction|string} [options.initializer] runs in every worker before its first task: a
   *   function (sent as source) or the name of a task-module export
   * @param {unknown[]} [options.initargs] the initializer's arguments (default [])
   * @param {number} [options.maxTasksPerChild] a worker is retired and replaced after this many tasks
   *   (default: no limit)
   * @param {number} [options.maxQueueSize] tasks waiting for a worker beyond which a submit's future
   *   rejects with QueueFullError (default: no limit)
   * @param {number} [options.concurrency] async tasks one worker runs at once (default 1)
   * @param {number} [options.slots] tasks in shared memory at once (more wait in a page-side backlog)
   * @param {number} [options.reserveMemory] bytes the shared memory is grown to before the workers start,
   *   so that a run allocating less never grows it (Safari: see the README)
   * @param {boolean} [options.keepAlive] Node.js: the pool keeps the process alive until it is shut down
   */
  constructor(options = {}) {
    const config = poolConfig(options);
    let { transport } = config;
    if (transport === 'auto') {
      transport = canShareMemory() ? 'shared' : 'message';
      if (transport === 'message' && !config.quiet && !toldFallback) {
        toldFallback = true;
        console.info(
          globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'function'
            ? 'wasmpool: this browser cannot share memory with workers even on a cross-origin isolated page ' +
                '(no SharedArrayBuffer: WebKit), so tasks travel by postMessage (the message transport); ' +
                'new Pool({ quiet: true }) silences this note.'
            : 'wasmpool: this page cannot share memory with workers (not cross-origin isolated), so tasks travel ' +
                'by postMessage (the message transport). COOP/COEP or Document-Isolation-Policy headers enable the ' +
                'faster shared-memory transport; new Pool({ quiet: true }) silences this note.',
        );
      }
    }
    this.#config = config;
    const Transport = transport === 'shared' ? MemoryTransport : MessageTransport;
    this.#engine = new PoolEngine(config, (host) => new Transport(host));
    /** @type {'shared' | 'message'} which transport runs: shared wasm memory, or postMessage */
    this.transport = transport;
  }

  /**
   * Resolves when every worker has started (and imported the task modules).
   * @returns {Promise<void>}
   */
  get ready() {
    return this.#engine.ready.then(() => undefined);
  }

  /** Number of worker threads. */
  get workers() {
    return this.#config.workers;
  }

  /**
   * Runs `fn(...args)` in a worker. `fn` is a function (sent as source, so it
   * must not use variables from the page) or the name of a task-module export.
   * @param {TaskFunction | string} fn
   * @param {...unknown} args its arguments, and per-task options (a TaskOptions) last
   * @returns {Future}
   */
  submit(fn, ...args) {
    const options =
      args.length > 0 && args[args.length - 1] instanceof TaskOptions ? /** @type {TaskOptions} */ (args.pop()) : null;
    return this.#submit(fn, args, options);
  }

  /**
   * submit with per-task options: `submitWith({ timeout, signal }, fn, ...args)`.
   * @param {import('../index.js').TaskOptionsInit | TaskOptions} options
   * @param {TaskFunction | string} fn
   * @param {...unknown} args
   * @returns {Future}
   */
  submitWith(options, fn, ...args) {
    return this.#submit(fn, args, options instanceof TaskOptions ? options : new TaskOptions(options));
  }

  /**
   * @param {TaskFunction | string} fn
   * @param {unknown[]} args
   * @param {TaskOptions | null} options
   */
  #submit(fn, args, options) {
    this.#checkOpen('submit');
    return this.#engine.submit(fn, args, options);
  }

  /**
   * A typed array in the pool's shared wasm memory: tasks receive it by
   * reference (no copy, whatever its size) and can write it in place. Free it
   * with `array.free()` or `using`; a FinalizationRegistry frees forgotten
   * ones. Needs the pool to be ready, and the shared transport.
   * @template {TypedArrayConstructor} T
   * @param {T} Type
   * @param {number} length
   * @returns {SharedTypedArray<InstanceType<T>>}
   */
  alloc(Type, length) {
    return this.#engine.alloc(Type, length);
  }

  /**
   * Applies `fn` to every item (several iterables are zipped, stopping at the
   * shortest). Options (a last plain-object argument): `timeout` (ms, from the
   * call), `chunksize` (items per task; default ceil(n / (4 × workers)) for
   * sized inputs, 1 for generators/async iterables), `buffersize` (chunks in
   * flight for generators/async iterables; default 4 × workers).
   * @param {TaskFunction | string} fn
   * @param {...unknown} rest the iterables, then the options if any
   * @returns {MapResult} awaitable (array in input order) and async-iterable
   */
  map(fn, ...rest) {
    return this._mapWith(fn, rest, { what: 'map' });
  }

  /**
   * Like map, but results come in completion order (multiprocessing's imap_unordered).
   * @param {TaskFunction | string} fn
   * @param {[items: Input, options?: MapOptions]} rest the items, then the options if any (as index.d.ts
   *   declares it: one iterable)
   * @returns {MapResult}
   */
  imapUnordered(fn, ...rest) {
    return this._mapWith(fn, rest, { what: 'imapUnordered', ordered: false });
  }

  /**
   * Like map, but each item is an argument list (multiprocessing's starmap).
   * @param {TaskFunction | string} fn
   * @param {Input} iterable
   * @param {MapOptions} [options]
   * @returns {MapResult}
   */
  starmap(fn, iterable, options) {
    return this._mapWith(fn, options === undefined ? [iterable] : [iterable, options], { what: 'starmap', star: true });
  }

  /**
   * @internal map, imapUnordered and starmap: one chunk of items per task.
   * @param {TaskFunction | string} fn
   * @param {unknown[]} rest the iterables, then the options if any
   * @param {{ what: string, star?: boolean, ordered?: boolean }} how `what`: the method called, for the
   *   errors' messages; `star`: each item is an argument list; `ordered`: results in input order
   * @returns {MapResult}
   */
  _mapWith(fn, rest, { what, star = false, ordered = true }) {
    this.#checkOpen(what);
    const code = this.#engine.codes.of(fn);
    const { iterables, options } = parseMapArgs(what, rest);
    return new MapResult({
      iterables,
      options,
      workers: this.#config.workers,
      star,
      ordered,
      submitChunk: (items, flat) => this.#submitChunk(code, items, flat),
    });
  }

  /**
   * @param {Code} code
   * @param {unknown[]} items
   * @param {boolean} flat
   * @returns {import('../future.js').Future<ChunkResult>}
   */
  #submitChunk(code, items, flat) {
    const closed = this.#engine.closedError('the pool was shut down while map was still submitting');
    if (closed) return rejected(closed);
    return this.#engine.submitChunk(code, items, flat);
  }

  /**
   * Stops the pool. Every task already submitted still runs (unless
   * `cancelFutures`); afterwards the workers exit (and their memory is freed).
   * @param {import('../index.js').ShutdownOptions} [options]
   * @returns {Promise<void>}
   */
  shutdown({ wait = true, cancelFutures = false } = {}) {
    return this.#engine.shutdown({ wait, cancelFutures });
  }

  /**
   * Stops now: running tasks are interrupted (their workers terminated),
   * queued ones dropped; every unfinished future rejects with ShutdownError.
   * @returns {Promise<void>}
   */
  terminate() {
    return this.#engine.terminate();
  }

  // Symbol.asyncDispose is missing where `await using` is (WebKit as of
  // WebKitGTK 2.50): the registered symbol is the one transpilers
  // (TypeScript, esbuild, Babel) look up for their lowered `await using`.
  /** @returns {Promise<void>} */
  [Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')]() {
    return this.shutdown();
  }

  /** @param {string} what */
  #checkOpen(what) {
    const closed = this.#engine.closedError(`cannot ${what}: the pool has been shut down`);
    if (closed) throw closed;
  }
}
