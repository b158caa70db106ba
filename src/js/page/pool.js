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

// The page hears once that 'auto' picked the message transport.
let toldFallback = false;

export class Pool {
  #config;
  #engine;

  /**
   * @param {object} [options]
   * @param {'auto'|'shared'|'message'} [options.transport] default 'auto': shared memory where the page
   *   can share it with workers (cross-origin isolated), else message passing
   * @param {boolean} [options.quiet] no console.info when 'auto' falls back to message passing
   * @param {number} [options.workers] worker threads (default navigator.hardwareConcurrency)
   * @param {Array<string|URL>|string|URL} [options.module] task module(s) every worker imports
   * @param {number} [options.slots] tasks in shared memory at once (more wait in a page-side backlog)
   * @param {number} [options.reserveMemory] bytes the shared memory is grown to before the workers start,
   *   so that a run allocating less never grows it (Safari: see the README)
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
    /** Which transport runs: 'shared' (shared wasm memory) or 'message' (postMessage). */
    this.transport = transport;
  }

  /** Resolves when every worker has started (and imported the task modules). */
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
   * @returns {Future}
   */
  submit(fn, ...args) {
    const options = args.length > 0 && args[args.length - 1] instanceof TaskOptions ? args.pop() : null;
    return this.#submit(fn, args, options);
  }

  /** submit with per-task options: `submitWith({ timeout, signal }, fn, ...args)`. */
  submitWith(options, fn, ...args) {
    return this.#submit(fn, args, options instanceof TaskOptions ? options : new TaskOptions(options));
  }

  #submit(fn, args, options) {
    this.#checkOpen('submit');
    return this.#engine.submit(fn, args, options);
  }

  /**
   * A typed array in the pool's shared wasm memory: tasks receive it by
   * reference (no copy, whatever its size) and can write it in place. Free it
   * with `array.free()` or `using`; a FinalizationRegistry frees forgotten
   * ones. Needs the pool to be ready, and the shared transport.
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
   * @returns {MapResult} awaitable (array in input order) and async-iterable
   */
  map(fn, ...rest) {
    return this._mapWith(fn, rest, { what: 'map' });
  }

  /** Like map, but results come in completion order (multiprocessing's imap_unordered). */
  imapUnordered(fn, ...rest) {
    return this._mapWith(fn, rest, { what: 'imapUnordered', ordered: false });
  }

  /** Like map, but each item is an argument list (multiprocessing's starmap). */
  starmap(fn, iterable, options) {
    return this._mapWith(fn, options === undefined ? [iterable] : [iterable, options], { what: 'starmap', star: true });
  }

  /** @internal map, imapUnordered and starmap: one chunk of items per task. */
  _mapWith(fn, rest, { what, star = false, ordered = true } = {}) {
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

  #submitChunk(code, items, flat) {
    const closed = this.#engine.closedError('the pool was shut down while map was still submitting');
    if (closed) return rejected(closed);
    return this.#engine.submitChunk(code, items, flat);
  }

  /**
   * Stops the pool. Every task already submitted still runs (unless
   * `cancelFutures`); afterwards the workers exit (and their memory is freed).
   */
  shutdown({ wait = true, cancelFutures = false } = {}) {
    return this.#engine.shutdown({ wait, cancelFutures });
  }

  /**
   * Stops now: running tasks are interrupted (their workers terminated),
   * queued ones dropped; every unfinished future rejects with ShutdownError.
   */
  terminate() {
    return this.#engine.terminate();
  }

  // Symbol.asyncDispose is missing where `await using` is (WebKit as of
  // WebKitGTK 2.50): the registered symbol is the one transpilers
  // (TypeScript, esbuild, Babel) look up for their lowered `await using`.
  [Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')]() {
    return this.shutdown();
  }

  #checkOpen(what) {
    const closed = this.#engine.closedError(`cannot ${what}: the pool has been shut down`);
    if (closed) throw closed;
  }
}
