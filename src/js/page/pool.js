// Pool: the public face of a wasmpool pool on the page. It checks the call,
// then hands the work to the pieces that do it:
//   dispatcher.js    task → slot in shared memory → the core's injector ring
//   completions.js   the core's completion ring → the task's Future
//   worker-handle.js one worker's start, death, kill handshake and memory
//   task-control.js  timeouts, AbortSignals, force-cancel
// The protocol and its invariants: src/sched/README.md.

import { BrokenPoolError, PoolError, QueueFullError, ShutdownError } from '../errors.js';
import { Future } from '../future.js';
import { MapResult, parseMapArgs } from '../map.js';
import { assertIsolated, loadRuntime } from '../runtime.js';
import { CoreView } from '../shared/layout.js';
import { SHUTDOWN_NOW } from '../shared/layout-constants.js';
import { MSG } from '../shared/messages.js';
import { FLAG_CHUNK, INLINE_BYTES } from '../shared/protocol.js';
import { SharedRefs } from '../shared/refs.js';
import { Completions } from './completions.js';
import { Dispatcher } from './dispatcher.js';
import { detach, poolConfig, TaskOptions } from './options.js';
import { allocShared } from './shared-arrays.js';
import { calibrateSpin } from './spin.js';
import { TaskControl } from './task-control.js';
import { WorkerHandle } from './worker-handle.js';

export { MAX_WORKERS, TaskOptions } from './options.js';

// How long shutdown waits at most for idle workers to leave by themselves,
// for a worker whose event loop does not answer (no event tells that apart).
const EXIT_GRACE_MS = 2000;

export class Pool {
  #config;
  // { rt, ptr, view, refs, inlineBase, lockPrefix, init } once loaded. `ptr` is the
  // pool's handle (wp_pool_new), which every wp_* export checks: after
  // wp_pool_free, a stray call with it is a TypeError or an inert answer,
  // never a write to freed memory (src/wasm/pools.rs).
  #core = null;
  #dispatcher;
  #completions = null;
  #control;
  #handles = []; // index -> WorkerHandle
  #closed = false;
  #terminating = false;
  #broken = null; // BrokenPoolError once the pool cannot run tasks
  #ready;
  #shutdownPromise = null;

  /**
   * @param {object} [options]
   * @param {number} [options.workers] worker threads (default navigator.hardwareConcurrency)
   * @param {Array<string|URL>|string|URL} [options.module] task module(s) every worker imports
   * @param {number} [options.slots] tasks in shared memory at once (more wait in a page-side backlog)
   * @param {number} [options.reserveMemory] bytes the shared memory is grown to before the workers start,
   *   so that a run allocating less never grows it (Safari: see the README)
   */
  constructor(options = {}) {
    assertIsolated();
    this.#config = poolConfig(options);
    this.#dispatcher = new Dispatcher({
      kill: (task) => this.#control.killRunning(task),
      onPublish: () => this.#completions.pump(),
    });
    this.#control = new TaskControl({
      dispatcher: this.#dispatcher,
      view: () => this.#core?.view ?? null,
      replaceWorker: (index) => this.#replace(this.#handles[index]),
    });
    this.#ready = this.#start();
    this.#ready.catch((error) => this.#breakPool(error));
  }

  /** Resolves when every worker has started (and imported the task modules). */
  get ready() {
    return this.#ready.then(() => undefined);
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
    const code = this.#dispatcher.codes.of(fn);
    const bytes = this.#dispatcher.encode(args, 'args');
    if (options?.transfer) detach(options.transfer);
    const { maxQueueSize } = this.#config;
    if (maxQueueSize && this.#dispatcher.waiting() >= maxQueueSize) {
      const future = new Future();
      future._reject(new QueueFullError(`the pool already has ${maxQueueSize} tasks waiting (maxQueueSize)`));
      return future;
    }
    const future = this.#dispatcher.enqueue(code, bytes);
    if (options) this.#control.apply(future, options);
    return future;
  }

  /**
   * A typed array in the pool's shared wasm memory: tasks receive it by
   * reference (no copy, whatever its size) and can write it in place. Free it
   * with `array.free()` or `using`; a FinalizationRegistry frees forgotten
   * ones. Needs the pool to be ready.
   */
  alloc(Type, length) {
    if (this.#core === null) throw new PoolError('pool.alloc() needs a ready pool: await pool.ready first');
    return allocShared(this.#core.rt, this.#core.refs, Type, length);
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
    const code = this.#dispatcher.codes.of(fn);
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
    if (this.#closed || this.#broken) {
      const future = new Future();
      future._reject(this.#broken ?? new ShutdownError('the pool was shut down while map was still submitting'));
      return future;
    }
    const bytes = this.#dispatcher.encode([items, flat], 'items');
    return this.#dispatcher.enqueue(code, bytes, FLAG_CHUNK);
  }

  /**
   * Stops the pool. Every task already submitted still runs (unless
   * `cancelFutures`); afterwards the workers exit and their memory is freed.
   */
  shutdown({ wait = true, cancelFutures = false } = {}) {
    this.#closed = true;
    if (cancelFutures) this.#dispatcher.cancelPending();
    this.#shutdownPromise ??= this.#finish();
    return wait ? this.#shutdownPromise : Promise.resolve();
  }

  /**
   * Stops now: running tasks are interrupted (their workers terminated),
   * queued ones dropped; every unfinished future rejects with ShutdownError.
   */
  terminate() {
    this.#closed = true;
    if (!this.#terminating) {
      this.#terminating = true;
      this.#dispatcher.rejectAll(new ShutdownError('the pool was terminated before this task finished'));
      this.#dispatcher.checkIdle(true); // unblock a shutdown() waiting for the tasks
    }
    this.#shutdownPromise ??= this.#finish();
    return this.#shutdownPromise;
  }

  [Symbol.asyncDispose]() {
    return this.shutdown();
  }

  #checkOpen(what) {
    if (this.#broken) throw this.#broken;
    if (this.#closed) throw new ShutdownError(`cannot ${what}: the pool has been shut down`);
  }

  // ---- the pool's life: start, workers, breakage, shutdown ----

  async #start() {
    const rt = await loadRuntime();
    const { wasm, glue } = rt;
    const config = this.#config;
    reserveMemory(rt, config.reserveMemory);
    // The page imports the task modules too: to know their export names (a
    // typo is an error at the call site) and to map `tasks.resize` to its name.
    this.#dispatcher.codes.setExports(await importTaskModules(config.modules), (name) => rt.glue.wp_has_task(name));
    const refs = new SharedRefs(rt.memory, {
      onRegister: (id, buffer) => {
        for (const handle of this.#live()) handle.post({ type: MSG.SHARED_BUFFER, id, buffer });
      },
    });
    // Calls that can fail (a bad handle) go through the glue, which turns a
    // Rust Err into an exception; the per-task ones call the raw exports.
    const ptr = glue.wp_pool_new(config.slots, config.workers);
    const address = glue.wp_pool_address(ptr);
    const slotsPtr = glue.wp_slots_ptr(ptr);
    const inlineBase = wasm.wp_alloc(config.slots * INLINE_BYTES);
    const view = new CoreView(rt.memory, slotsPtr);
    this.#completions = new Completions({ wasm, ptr, address, view, refs, dispatcher: this.#dispatcher });
    this.#core = {
      rt,
      ptr,
      view,
      refs,
      inlineBase,
      lockPrefix: `wasmpool-${Math.random().toString(36).slice(2)}-`,
      init: {
        module: rt.module,
        memory: rt.memory,
        glueUrl: rt.glueUrl,
        pool: ptr,
        poolAddress: address,
        stackSize: rt.stackSize,
        slotsPtr,
        inlineBase,
        modules: config.modules,
        initializer: config.initializer,
        initargs: config.initargs,
        maxTasksPerChild: config.maxTasksPerChild,
        concurrency: config.concurrency,
        fallbackWake: Completions.needsMessageWake,
      },
    };
    const started = [];
    for (let index = 0; index < config.workers; index++) started.push(this.#spawn(index));
    calibrateSpin(wasm, ptr); // while the workers boot on other threads
    this.#dispatcher.attach({ wasm, ptr, view, inlineBase, externalRef: refs.externalRef });
    await Promise.all(started);
  }

  #live() {
    return this.#handles.filter((h) => h && !h.gone);
  }

  #spawn(index) {
    const core = this.#core;
    const init = { ...core.init, sharedBuffers: core.refs.entries() };
    const handle = new WorkerHandle({ ...core, init }, index, {
      onWake: () => this.#completions.wake(),
      onProgress: ({ id, value }) => this.#completions.progress(id, value),
      onExited: (h, retired) => this.#exited(h, retired),
      onDied: (h) => this.#replace(h, { dead: true }),
    });
    this.#handles[index] = handle;
    return handle.ready;
  }

  // Whether a worker that left should be replaced: while the pool is open, and
  // after close() for as long as submitted tasks remain (multiprocessing keeps
  // its workers up until the queue is done).
  #wantsReplacement() {
    return !this.#terminating && !this.#broken && (!this.#closed || this.#dispatcher.busy());
  }

  #respawn(index) {
    if (this.#wantsReplacement()) this.#spawn(index).catch((e) => this.#breakPool(e));
  }

  // A worker left on its own (shutdown, or retired by maxTasksPerChild).
  #exited(handle, retired) {
    if (handle.gone) return;
    handle.retire();
    if (retired && this.#handles[handle.index] === handle) this.#respawn(handle.index);
  }

  // A worker died, trapped or must be stopped: settle its task, start another.
  async #replace(handle, { dead = false } = {}) {
    if (!handle || handle.gone || this.#handles[handle.index] !== handle) return;
    await this.#kill(handle, { dead });
    this.#respawn(handle.index);
  }

  async #kill(handle, options) {
    for (const id of await handle.kill(options)) this.#completions.crashed(id);
    this.#completions.workerGone(handle.index);
    this.#completions.kick();
  }

  #breakPool(error) {
    if (this.#broken) return;
    this.#broken =
      error instanceof BrokenPoolError ? error : new BrokenPoolError(String(error?.message || error), { cause: error });
    this.#dispatcher.rejectAll(this.#broken);
    this.#dispatcher.checkIdle();
    if (!this.#closed) this.shutdown({ wait: false, cancelFutures: true });
  }

  async #finish() {
    try {
      await this.#ready;
    } catch {
      // A pool that failed to start still has to free what it made.
    }
    if (!this.#broken && !this.#terminating) await this.#dispatcher.idle();
    if (this.#core === null) return;
    const { rt, ptr, inlineBase } = this.#core;
    const { wasm, glue } = rt;
    glue.wp_begin_shutdown(ptr, SHUTDOWN_NOW);
    if (!this.#terminating && !this.#broken) {
      // Idle workers wake and exit on their own (a few ms); one that dies
      // meanwhile has left too (its death is an event: its Web Lock). Only a
      // worker whose event loop never answers (a stray endless timer) waits
      // out the grace period. (A broken pool's workers never answer: they
      // are terminated at once.)
      let timer;
      const grace = new Promise((resolve) => {
        timer = setTimeout(resolve, EXIT_GRACE_MS);
      });
      await Promise.race([Promise.all(this.#live().map((h) => h.left)), grace]);
      clearTimeout(timer);
    }
    for (const handle of this.#live()) await this.#kill(handle);
    // Anything still queued (a broken pool) is cancelled with a clear error.
    for (const id of glue.wp_drain_queued(ptr)) {
      this.#dispatcher.finish(id)?.future._reject(new ShutdownError('the pool was shut down before this task ran'));
    }
    this.#completions.workerGone();
    this.#dispatcher.rejectAll(new ShutdownError('the pool was shut down'));
    this.#dispatcher.clear();
    this.#completions.kick();
    this.#completions.close();
    this.#dispatcher.codes.free(wasm);
    wasm.wp_free(inlineBase, this.#config.slots * INLINE_BYTES);
    glue.wp_pool_free(ptr);
  }
}

async function importTaskModules(urls) {
  const namespaces = [];
  for (const url of urls) {
    try {
      namespaces.push(await import(/* webpackIgnore: true */ /* @vite-ignore */ url));
    } catch (error) {
      throw new BrokenPoolError(`cannot load task module ${url}: ${error?.message || error}`, { cause: error });
    }
  }
  return namespaces;
}

// reserveMemory: grows the shared memory to `bytes` now, before any worker
// starts, by allocating the difference and freeing it. The allocator keeps
// the freed block (wasm memory never shrinks), so later allocations up to
// that size are served without growing the memory during the run: the known
// workaround for Safari releases where growing a shared memory under running
// threads broke (emscripten#25905). Growing it from JS instead would not
// help: the allocator only uses pages it grew itself.
function reserveMemory(rt, bytes) {
  const held = [];
  try {
    // The allocator may already have some room at the top of the heap, so
    // one allocation of the difference can leave the memory a little short.
    for (let missing = bytes - rt.memory.buffer.byteLength; missing > 0; ) {
      const ptr = rt.wasm.wp_alloc(missing);
      if (!ptr) {
        throw new BrokenPoolError(
          `reserveMemory: cannot grow the shared memory to ${bytes} bytes (more than its maximum, set at link time)`,
        );
      }
      held.push([ptr, missing]);
      missing = bytes - rt.memory.buffer.byteLength;
    }
  } finally {
    for (const [ptr, len] of held) rt.wasm.wp_free(ptr, len);
  }
}
