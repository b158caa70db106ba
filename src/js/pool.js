// Pool: the page side of a wasmpool pool.
//
// Submitting writes the task into a slot of shared memory and publishes it on
// the Rust core's injector ring; an idle worker sleeping on an atomic is woken
// by it. Completions come back on the completion ring; the page waits for them
// with Atomics.waitAsync (never a blocking wait: the main thread must not
// block). The protocol and its invariants: src/sched/README.md.

import { loadRuntime, assertIsolated, THREAD_STACK_SIZE } from './runtime.js';
import { Encoder, decode } from './shared/codec/index.js';
import { Future } from './future.js';
import { SharedRefs, allocShared } from './shared.js';
import { MapResult, parseMapArgs } from './map.js';
import { PoolError, BrokenPoolError, ShutdownError, WorkerCrashedError, PanicError, QueueFullError, TimeoutError } from './errors.js';
import { checkTimeout } from './waiting.js';
import {
  P, FLAG_ARGS_HEAP, FLAG_NAMED, FLAG_CHUNK, INLINE_BYTES, STATUS_OK, STATUS_ERROR, STATUS_PANIC, STATUS_CRASHED,
  W, SHUTDOWN_NOW,
} from './protocol.js';

/** Most workers one pool may have (the size of its worker table). */
export const MAX_WORKERS = 256;
const DEFAULT_SLOTS = 1024;
const HAS_WAIT_ASYNC = typeof Atomics.waitAsync === 'function';
const EXIT_GRACE_MS = 2000;
// How long the page polls for a completion before waiting asynchronously.
const MAIN_SPIN_MS = 0.03;

// Unique ids for worker occupants across all pools of the page.
let nextWorkerUid = 1;

function checkCount(name, value, { min = 1, max = Infinity } = {}) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/**
 * Per-task options, passed as the last argument of submit (or to submitWith):
 * `timeout` (ms from the call: the worker running it is terminated and
 * replaced, the future rejects with TimeoutError), `signal` (an AbortSignal:
 * rejects with its reason; a queued task is withdrawn, a running one is told
 * through `self.wasmpool.signal` and terminated if still running after
 * `abortGrace` ms, default 100).
 */
export class TaskOptions {
  constructor({ timeout, signal, abortGrace = 100, transfer } = {}) {
    this.timeout = checkTimeout(timeout);
    if (transfer !== undefined && !Array.isArray(transfer)) throw new TypeError('transfer must be an array of ArrayBuffers');
    this.transfer = transfer;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
    this.signal = signal;
    this.abortGrace = checkTimeout(abortGrace);
    Object.freeze(this);
  }
}

function defaultWorkers() {
  const n = globalThis.navigator && navigator.hardwareConcurrency;
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_WORKERS) : 4;
}

export class Pool {
  #rt = null; // { wasm, module, memory, layout } once loaded
  #ptr = 0; // the Rust control block
  #slotsPtr = 0;
  #inlineBase = 0;
  #slotCount;
  #workerCount;
  #modules;
  #workers = []; // index -> { worker, uid, exited: Promise }
  #tasks = []; // slot index -> task record
  #backlog = []; // tasks waiting for a free slot (or for start-up)
  #outstanding = 0; // tasks in slots
  #functions = new WeakMap(); // Function -> code entry
  #exportNames = null; // Set of task-module export names, once the page imported them
  #exportOf = new WeakMap(); // task-module Function -> its export name
  #codes = new Map(); // source or name -> code entry
  #nextFnId = 1;
  #encoder = null; // made with the shared-buffer hooks once the runtime is loaded
  #refs = null;
  #u8 = null;
  #u32 = null;
  #i32 = null;
  #pumping = false;
  #wake = null; // resolves the pump's wait when postMessage wakes are used
  #closed = false;
  #broken = null; // BrokenPoolError once the pool cannot run tasks
  #ready;
  #shutdownPromise = null;
  #idleWaiters = [];
  #initializer = null;
  #initargs = [];
  #maxTasksPerChild = 0;
  #maxQueueSize = 0;
  #concurrency = 1;
  #taskOf = new WeakMap(); // Future -> task record
  #lockPrefix = `wasmpool-${Math.random().toString(36).slice(2)}-`;
  #terminating = false;

  /**
   * @param {object} [options]
   * @param {number} [options.workers] worker threads (default navigator.hardwareConcurrency)
   * @param {Array<string|URL>|string|URL} [options.module] task module(s) every worker imports
   * @param {number} [options.slots] tasks in shared memory at once (more wait in a page-side backlog)
   */
  constructor({
    workers = defaultWorkers(), module, slots = DEFAULT_SLOTS, initializer, initargs = [], maxTasksPerChild, maxQueueSize,
    concurrency = 1,
  } = {}) {
    assertIsolated();
    this.#concurrency = checkCount('concurrency', concurrency, { max: 1000 });
    if (maxQueueSize !== undefined && maxQueueSize !== null) this.#maxQueueSize = checkCount('maxQueueSize', maxQueueSize);
    if (maxTasksPerChild !== undefined && maxTasksPerChild !== null) checkCount('maxTasksPerChild', maxTasksPerChild);
    this.#maxTasksPerChild = maxTasksPerChild ?? 0;
    if (initializer !== undefined && typeof initializer !== 'function' && typeof initializer !== 'string') {
      throw new TypeError('initializer must be a function or the name of a task-module export');
    }
    if (!Array.isArray(initargs)) throw new TypeError('initargs must be an array');
    this.#initializer = initializer === undefined ? null : {
      code: typeof initializer === 'function' ? Function.prototype.toString.call(initializer) : initializer,
      named: typeof initializer === 'string',
    };
    this.#initargs = initargs;
    this.#workerCount = checkCount('workers', workers, { max: MAX_WORKERS });
    this.#slotCount = checkCount('slots', slots, { max: 1 << 16 });
    this.#modules = (module === undefined ? [] : Array.isArray(module) ? module : [module]).map((m) => {
      const url = new URL(String(m), globalThis.location && location.href);
      // data: URLs (Vite inlines small files named by new URL()) and blob: URLs
      // are code the page made itself, not another origin's.
      if (globalThis.location && url.protocol !== 'data:' && url.origin !== location.origin) {
        throw new TypeError(`task module ${url.href} is on another origin (${url.origin}); workers can only import task modules from ${location.origin}`);
      }
      return url.href;
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
    return this.#workerCount;
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
    const code = this.#code(fn);
    const bytes = this.#encode(args, 'args');
    if (options && options.transfer) detach(options.transfer);
    if (this.#maxQueueSize && this.#waiting() >= this.#maxQueueSize) {
      const f = new Future();
      f._reject(new QueueFullError(`the pool already has ${this.#maxQueueSize} tasks waiting (maxQueueSize)`));
      return f;
    }
    const future = this.#enqueue(code, bytes);
    if (options) this.#applyOptions(future, options);
    return future;
  }

  // Before the runtime is loaded there is no wasm memory to refer to, so the
  // encoder has no by-reference hook yet (a SharedArrayBuffer sent then is
  // registered once the pool is ready... or refused: see CloneError).
  #encode(value, root) {
    this.#encoder ??= new Encoder();
    return this.#encoder.encode(value, root);
  }

  /**
   * A typed array in the pool's shared wasm memory: tasks receive it by
   * reference (no copy, whatever its size) and can write it in place. Free it
   * with `array.free()` or `using`; a FinalizationRegistry frees forgotten
   * ones. Needs the pool to be ready.
   */
  alloc(Type, length) {
    if (this.#rt === null) throw new PoolError('pool.alloc() needs a ready pool: await pool.ready first');
    return allocShared(this.#rt, this.#refs, Type, length);
  }

  // Tasks submitted and not yet claimed by a worker.
  #waiting() {
    return this.#backlog.length + (this.#rt ? this.#rt.wasm.wp_queued(this.#ptr) : 0);
  }

  #applyOptions(future, { timeout, signal, abortGrace }) {
    if (timeout !== undefined) {
      const timer = setTimeout(() => {
        if (!future.done()) this.#stop(future, new TimeoutError(`the task did not finish within ${timeout} ms; its worker was terminated`));
      }, timeout);
      future.addDoneCallback(() => clearTimeout(timer));
    }
    if (signal) {
      const onAbort = () => {
        const reason = signal.reason ?? new DOMException('the task was aborted', 'AbortError');
        if (future.done()) return;
        const task = this.#taskOf.get(future);
        if (task && task.id >= 0 && this.#slotState(task.id) === 3) {
          // Running: tell the task (self.wasmpool.signal), then stop it if it
          // has not stopped by itself within the grace period.
          this.#requestAbort(task);
          future._reject(reason);
          setTimeout(() => { if (this.#slotState(task.id) === 3) this.#killRunning(task); }, abortGrace ?? 100);
        } else {
          this.#stop(future, reason);
        }
      };
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        future.addDoneCallback(() => signal.removeEventListener('abort', onAbort));
      }
    }
  }

  // Settles `future` with `error` now: withdrawn if queued, its worker
  // terminated and replaced if running.
  #stop(future, error) {
    const task = this.#taskOf.get(future);
    if (!task) return;
    const running = task.id >= 0 && this.#slotState(task.id) === 3;
    if (!running) this.#withdraw(task);
    future._reject(error);
    if (running) this.#killRunning(task);
  }

  #requestAbort(task) {
    const { layout } = this.#rt;
    this.#refresh();
    const idx = ((this.#slotsPtr + (task.id & 0xffff) * layout.slotBytes + layout.slotPayload) >>> 2) + P.ABORT;
    Atomics.store(this.#i32, idx, 1);
    Atomics.notify(this.#i32, idx);
  }

  // Terminates (and replaces) the worker running `task`, if it still runs it.
  #killRunning(task) {
    if (!this.#rt || task.id < 0) return;
    const { layout } = this.#rt;
    this.#refresh();
    const slotBase = this.#slotsPtr + (task.id & 0xffff) * layout.slotBytes;
    const index = Atomics.load(this.#u32, (slotBase + layout.slotState) >>> 2) >>> 24; // the claiming worker
    const record = this.#workers[index];
    if (!record || record.gone) return;
    if (this.#slotState(task.id) !== 3) return; // it finished meanwhile
    this.#replace(record);
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

  /**
   * Like map, but results come in completion order (multiprocessing's
   * imap_unordered).
   */
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
    const code = this.#code(fn);
    const { iterables, options } = parseMapArgs(what, rest);
    return new MapResult({
      iterables, options, workers: this.#workerCount, star, ordered,
      submitChunk: (tuples) => this.#submitChunk(code, tuples),
    });
  }

  #submitChunk(code, tuples) {
    if (this.#closed || this.#broken) {
      const f = new Future();
      f._reject(this.#broken ?? new ShutdownError('the pool was shut down while map was still submitting'));
      return f;
    }
    // Single-argument items travel as a flat array (the common case).
    const flat = tuples.every((t) => t.length === 1);
    return this.#enqueue(code, this.#encode([flat ? tuples.map((t) => t[0]) : tuples, flat], 'items'), FLAG_CHUNK);
  }

  /**
   * Stops the pool. Every task already submitted still runs (unless
   * `cancelFutures`); afterwards the workers exit and their memory is freed.
   */
  shutdown({ wait = true, cancelFutures = false } = {}) {
    this.#closed = true;
    if (cancelFutures) this.#cancelPending();
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
      const error = new ShutdownError('the pool was terminated before this task finished');
      for (const task of this.#backlog.splice(0)) task.future._reject(error);
      for (const task of this.#tasks) if (task) task.future._reject(error);
      // Unblock a shutdown() that is waiting for the tasks to finish.
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    this.#shutdownPromise ??= this.#finish();
    return this.#shutdownPromise;
  }

  [Symbol.asyncDispose]() {
    return this.shutdown();
  }

  // ---- submission ----

  #checkOpen(what) {
    if (this.#broken) throw this.#broken;
    if (this.#closed) throw new ShutdownError(`cannot ${what}: the pool has been shut down`);
  }

  // What a task function is, as workers will know it: a task-module export
  // (by name), a Rust task (by name), or source text. While the page is
  // still importing the task modules the answer is deferred to dispatch.
  #code(fn) {
    if (typeof fn !== 'function' && typeof fn !== 'string') {
      throw new TypeError(`a task must be a function, or the name of a task-module export or Rust task, got ${describe(fn)}`);
    }
    if (this.#exportNames === null) return { deferred: fn };
    if (typeof fn === 'function') {
      const exported = this.#exportOf.get(fn);
      if (exported !== undefined) return this.#codeEntry(exported, true);
      let entry = this.#functions.get(fn);
      if (entry === undefined) {
        entry = this.#codeEntry(Function.prototype.toString.call(fn), false);
        this.#functions.set(fn, entry);
      }
      return entry;
    }
    if (!this.#exportNames.has(fn) && !this.#rt.glue.wp_has_task(fn)) {
      const known = [...this.#exportNames].map((n) => `"${n}"`).join(', ');
      throw new TypeError(
        `unknown task "${fn}": ${known ? `the task modules export ${known}` : 'the pool has no task module (new Pool({ module: url }))'} and no Rust task has that name`,
      );
    }
    return this.#codeEntry(fn, true);
  }

  // One entry per distinct source (a fresh arrow function per call shares it).
  #codeEntry(text, named) {
    const key = (named ? 'n:' : 'f:') + text;
    let entry = this.#codes.get(key);
    if (entry === undefined) {
      entry = { id: this.#nextFnId++, text, named, ptr: 0, len: 0 };
      this.#codes.set(key, entry);
    }
    return entry;
  }

  #enqueue(code, bytes, flags = 0) {
    const task = { future: null, code, flags, bytes: null, id: -1, argsHeap: 0, argsLen: 0 };
    task.future = new Future({
      withdraw: () => this.#withdraw(task),
      isRunning: () => task.id >= 0 && this.#slotState(task.id) === 3,
      kill: () => this.#killRunning(task),
    });
    this.#taskOf.set(task.future, task);
    if (this.#rt === null || this.#backlog.length > 0 || !this.#dispatch(task, bytes)) {
      task.bytes = bytes.slice(); // the encoder reuses its buffer
      this.#backlog.push(task);
    }
    return task.future;
  }

  // Writes the task into a free slot and publishes it. False if none is free.
  #dispatch(task, bytes) {
    const { wasm, layout } = this.#rt;
    if (task.code.deferred !== undefined) {
      // Submitted while the task modules were loading: resolve it now.
      try {
        task.code = this.#code(task.code.deferred);
      } catch (error) {
        task.future._reject(error);
        return true;
      }
    }
    const id = wasm.wp_reserve(this.#ptr);
    if (id < 0) return false;
    const slot = id & 0xffff;
    const code = task.code;
    if (code.ptr === 0) this.#storeCode(code);
    let argsPtr = this.#inlineBase + slot * INLINE_BYTES;
    let flags = task.flags | (code.named ? FLAG_NAMED : 0);
    if (bytes.length > INLINE_BYTES) {
      argsPtr = wasm.wp_alloc(bytes.length);
      flags |= FLAG_ARGS_HEAP;
      task.argsHeap = argsPtr;
      task.argsLen = bytes.length;
    }
    this.#refresh();
    this.#u8.set(bytes, argsPtr);
    const w = (this.#slotsPtr + slot * layout.slotBytes + layout.slotPayload) >>> 2;
    const u32 = this.#u32;
    u32[w + P.FN] = code.id;
    u32[w + P.CODE_PTR] = code.ptr;
    u32[w + P.CODE_LEN] = code.len;
    u32[w + P.ARGS_PTR] = argsPtr;
    u32[w + P.ARGS_LEN] = bytes.length;
    u32[w + P.FLAGS] = flags;
    u32[w + P.ABORT] = 0;
    task.id = id;
    task.bytes = null;
    this.#tasks[slot] = task;
    this.#outstanding++;
    wasm.wp_publish(this.#ptr, id);
    this.#pump();
    return true;
  }

  // Function sources and task names live in shared memory for the pool's life.
  #storeCode(code) {
    const bytes = new TextEncoder().encode(code.text);
    code.len = bytes.length;
    code.ptr = this.#rt.wasm.wp_alloc(bytes.length);
    this.#refresh();
    this.#u8.set(bytes, code.ptr);
  }

  #flushBacklog() {
    // Dispatch from the front; one splice at the end (shift() per task would
    // make a 100,000-task burst quadratic).
    const backlog = this.#backlog;
    let i = 0;
    while (i < backlog.length && this.#dispatch(backlog[i], backlog[i].bytes)) i++;
    if (i > 0) backlog.splice(0, i);
  }

  // Future.cancel(): out of the backlog, or a CAS QUEUED -> CANCELLED in the core.
  #withdraw(task) {
    if (task.id < 0) {
      const i = this.#backlog.indexOf(task);
      if (i < 0) return false;
      this.#backlog.splice(i, 1);
      this.#checkIdle();
      return true;
    }
    if (this.#rt === null || !this.#rt.wasm.wp_cancel(this.#ptr, task.id)) return false;
    // The worker that pops the stale id releases the slot (core invariant 2);
    // the arguments are never read, so they are freed here.
    const slot = task.id & 0xffff;
    if (task.argsHeap) this.#rt.wasm.wp_free(task.argsHeap, task.argsLen);
    this.#tasks[slot] = undefined;
    this.#outstanding--;
    this.#checkIdle();
    return true;
  }

  #cancelPending() {
    for (const task of [...this.#backlog]) task.future.cancel();
    for (const task of this.#tasks) if (task) task.future.cancel();
  }

  #slotState(id) {
    const { layout } = this.#rt;
    const word = Atomics.load(this.#i32, (this.#slotsPtr + (id & 0xffff) * layout.slotBytes + layout.slotState) >>> 2);
    return ((word >>> 8) & 0x7fff) === (id >>> 16) ? word & 0xff : -1;
  }

  // ---- completion ----

  #refresh() {
    const buffer = this.#rt.memory.buffer;
    if (this.#u8 === null || this.#u8.byteLength !== buffer.byteLength) {
      this.#u8 = new Uint8Array(buffer);
      this.#u32 = new Uint32Array(buffer);
      this.#i32 = new Int32Array(buffer);
    }
  }

  #pump() {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#pumpLoop().catch((error) => console.error('wasmpool: completion loop failed', error));
  }

  // Core invariant 6: announce, read the event, drain, then wait on the value read.
  async #pumpLoop() {
    const { layout } = this.#rt;
    const waitingIdx = (this.#ptr + layout.mainWaiting) >>> 2;
    const eventIdx = (this.#ptr + layout.completionEvent) >>> 2;
    try {
      while (this.#outstanding > 0) {
        this.#refresh();
        const i32 = this.#i32;
        Atomics.store(i32, waitingIdx, 1);
        const seen = Atomics.load(i32, eventIdx);
        if (this.#drain() > 0) {
          // Let the resolved futures' reactions run before the next batch.
          await null;
          continue;
        }
        if (this.#outstanding === 0) break;
        // Poll briefly before parking: a short task finishes within a few
        // microseconds, and catching it here saves the cross-thread task
        // hop that waking a waitAsync costs (as much as a postMessage).
        if (this.#spinFor(i32, eventIdx, seen)) continue;
        if (HAS_WAIT_ASYNC) {
          const r = Atomics.waitAsync(i32, eventIdx, seen);
          if (r.async) await r.value;
        } else {
          await new Promise((resolve) => { this.#wake = resolve; });
          this.#wake = null;
        }
      }
    } finally {
      this.#pumping = false;
      if (this.#rt && this.#ptr) Atomics.store(this.#i32, waitingIdx, 0);
    }
  }

  // True if the completion event moved within MAIN_SPIN_MS.
  #spinFor(i32, eventIdx, seen) {
    const until = performance.now() + MAIN_SPIN_MS;
    do {
      for (let k = 0; k < 64; k++) if (Atomics.load(i32, eventIdx) !== seen) return true;
    } while (performance.now() < until);
    return false;
  }

  // Wakes the pump from the page itself (a worker died, a task was abandoned).
  #kick() {
    if (!this.#ptr) return;
    const eventIdx = (this.#ptr + this.#rt.layout.completionEvent) >>> 2;
    Atomics.add(this.#i32, eventIdx, 1);
    Atomics.notify(this.#i32, eventIdx);
    this.#wake?.();
  }

  #drain() {
    const { wasm } = this.#rt;
    let n = 0;
    for (let id = wasm.wp_pop_completion(this.#ptr); id >= 0; id = wasm.wp_pop_completion(this.#ptr)) {
      this.#settle(id);
      n++;
    }
    if (n > 0) {
      if (this.#backlog.length > 0) this.#flushBacklog();
      this.#checkIdle();
    }
    return n;
  }

  // Reads a DONE slot's result, gives the slot back, settles the future.
  #settle(id) {
    const { wasm, layout } = this.#rt;
    const slot = id & 0xffff;
    const task = this.#tasks[slot];
    this.#tasks[slot] = undefined;
    this.#refresh();
    const w = (this.#slotsPtr + slot * layout.slotBytes + layout.slotPayload) >>> 2;
    const u32 = this.#u32;
    const status = u32[w + P.STATUS];
    const ptr = u32[w + P.RESULT_PTR];
    const len = u32[w + P.RESULT_LEN];
    let value;
    let ok = status === STATUS_OK;
    if (status === STATUS_CRASHED) {
      value = new WorkerCrashedError('the worker running this task died');
    } else {
      try {
        value = decode(this.#u8.subarray(ptr, ptr + len), this.#refs);
      } catch (error) {
        ok = false;
        value = error;
      }
      if (status === STATUS_PANIC) value = new PanicError(`Rust code panicked: ${value}`);
      if (u32[w + P.RESULT_HEAP]) wasm.wp_free(ptr, len);
    }
    wasm.wp_release(this.#ptr, id);
    this.#outstanding--;
    if (task === undefined) return;
    if (ok) task.future._resolve(value);
    else task.future._reject(value);
  }

  #checkIdle() {
    if (this.#outstanding === 0 && this.#backlog.length === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #idle() {
    if (this.#outstanding === 0 && this.#backlog.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  // ---- workers ----

  async #start() {
    const rt = await loadRuntime();
    const { wasm } = rt;
    // The page imports the task modules too: to know their export names (a
    // typo is an error at the call site) and to map `tasks.resize` to its name.
    const names = new Set();
    for (const url of this.#modules) {
      let namespace;
      try {
        namespace = await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
      } catch (error) {
        throw new BrokenPoolError(`cannot load task module ${url}: ${error && error.message || error}`, { cause: error });
      }
      for (const [name, value] of Object.entries(namespace)) {
        if (typeof value !== 'function') continue;
        names.add(name);
        if (!this.#exportOf.has(value)) this.#exportOf.set(value, name);
      }
    }
    this.#exportNames = names;
    this.#refs = new SharedRefs(rt.memory, {
      onRegister: (id, buffer) => {
        for (const record of this.#workers) if (record && !record.gone) record.worker.postMessage({ type: 'sab', id, buffer });
      },
    });
    this.#encoder = new Encoder({ externalRef: this.#refs.externalRef });
    this.#ptr = wasm.wp_pool_new(this.#slotCount, this.#workerCount);
    this.#slotsPtr = wasm.wp_slots_ptr(this.#ptr);
    this.#inlineBase = wasm.wp_alloc(this.#slotCount * INLINE_BYTES);
    this.#rt = rt;
    this.#refresh();
    const started = [];
    for (let index = 0; index < this.#workerCount; index++) started.push(this.#spawn(index));
    this.#flushBacklog();
    await Promise.all(started);
  }

  #spawn(index) {
    const { wasm, module, memory, layout } = this.#rt;
    const uid = nextWorkerUid++;
    wasm.wp_occupy(this.#ptr, index, uid);
    const worker = this.#rt.spawnWorker(`wasmpool-${uid}`);
    let markExited;
    const record = { worker, uid, index, exited: new Promise((r) => { markExited = r; }), gone: false };
    this.#workers[index] = record;
    let started = false;
    const ready = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        switch (data && data.type) {
          case 'ready':
            started = true;
            this.#watchForDeath(record);
            resolve();
            break;
          case 'error':
            if (started) console.error(`wasmpool: worker ${uid} failed: ${data.message}`);
            reject(new BrokenPoolError(`a worker failed to start: ${data.message}`));
            break;
          case 'wake': this.#wake?.(); break;
          case 'progress': this.#tasks[data.slot]?.id === data.id && this.#tasks[data.slot].future._progress(data.value); break;
          case 'exited': this.#exited(record, data.retired); markExited(); break;
          case 'panicked': this.#replace(record, { dead: true }); break;
        }
      };
      worker.onerror = (event) => {
        event.preventDefault?.();
        const message = event.message || 'the worker script failed to load';
        if (!started) {
          // A worker that cannot even start would fail again if replaced.
          record.gone = true;
          reject(new BrokenPoolError(`a worker failed to start: ${message}`));
        } else {
          // An uncaught error outside a task (a stray timer callback) does not
          // stop a worker; a worker that really dies is noticed through its
          // Web Lock (#watchForDeath), so this only reports.
          console.error(`wasmpool: uncaught error in worker ${uid}: ${message}`);
        }
      };
    });
    worker.postMessage({
      module, memory, glueUrl: this.#rt.glueUrl, pool: this.#ptr, index, uid, layout, stackSize: THREAD_STACK_SIZE,
      slotsPtr: this.#slotsPtr, inlineBase: this.#inlineBase, modules: this.#modules,
      initializer: this.#initializer, initargs: this.#initargs, maxTasksPerChild: this.#maxTasksPerChild,
      concurrency: this.#concurrency,
      fallbackWake: !HAS_WAIT_ASYNC, lockName: this.#lockPrefix + uid, sharedBuffers: this.#refs.entries(),
    });
    return ready;
  }

  // A worker holds a Web Lock for its whole life; the page's request for the
  // same lock is granted only when the worker is gone. That is how a worker
  // that dies by itself (self.close(), a crash, out of memory) is noticed:
  // no event reports it.
  #watchForDeath(record) {
    if (!globalThis.navigator || !navigator.locks) return;
    navigator.locks.request(this.#lockPrefix + record.uid, () => {
      if (!record.gone && this.#rt) this.#replace(record, { dead: true });
    }).catch(() => {});
  }

  // Whether a worker that left should be replaced: while the pool is open, and
  // after close() for as long as submitted tasks remain (multiprocessing keeps
  // its workers up until the queue is done).
  #wantsReplacement() {
    return !this.#terminating && !this.#broken && (!this.#closed || this.#outstanding > 0 || this.#backlog.length > 0);
  }

  // A worker left on its own (shutdown, or retired by maxTasksPerChild). It
  // runs no more wasm, so its stack and TLS can be freed here.
  #exited(record, retired) {
    if (record.gone) return;
    record.gone = true;
    record.worker.terminate();
    this.#freeThreadMemory(record.index);
    if (retired && this.#workers[record.index] === record && this.#wantsReplacement()) {
      this.#spawn(record.index).catch((e) => this.#breakPool(e));
    }
  }

  // A worker died or trapped: settle its task, free its thread memory, start another.
  async #replace(record, { dead = false } = {}) {
    if (record.gone || this.#workers[record.index] !== record) return;
    await this.#terminate(record, { dead });
    if (this.#wantsReplacement()) this.#spawn(record.index).catch((e) => this.#breakPool(e));
  }

  // Kill handshake (core invariant 4), then terminate, then clean up after it.
  // `dead`: the worker runs no wasm any more (it trapped or crashed), so there
  // is no critical section to wait for.
  async #terminate(record, { dead = false } = {}) {
    const { wasm } = this.#rt;
    record.gone = true;
    wasm.wp_request_kill(this.#ptr, record.index);
    for (let spins = 0; !dead && !wasm.wp_safe_to_terminate(this.#ptr, record.index); spins++) {
      if (spins < 1000) continue;
      await new Promise((r) => setTimeout(r, 1));
    }
    record.worker.terminate();
    record.gone = true;
    for (const id of takeVec(wasm, wasm.wp_abandon(this.#ptr, record.index))) this.#writeCrash(id);
    this.#freeThreadMemory(record.index);
    this.#kick();
  }

  #writeCrash(id) {
    const { layout } = this.#rt;
    this.#refresh();
    const w = (this.#slotsPtr + (id & 0xffff) * layout.slotBytes + layout.slotPayload) >>> 2;
    this.#u32[w + P.STATUS] = STATUS_CRASHED;
    this.#u32[w + P.RESULT_HEAP] = 0;
    this.#settle(id);
  }

  // The stack and TLS a worker thread allocated for itself. Freed here, on the
  // page, once the worker runs no more wasm; zeroed so it happens once.
  #freeThreadMemory(index) {
    const { wasm } = this.#rt;
    this.#refresh();
    const rec = wasm.wp_worker_ptr(this.#ptr, index);
    const tls = Atomics.load(this.#u32, (rec + W.TLS_BASE) >>> 2);
    const stack = Atomics.load(this.#u32, (rec + W.STACK_ALLOC) >>> 2);
    if (tls || stack) wasm.__wbindgen_thread_destroy(tls || undefined, stack || undefined, THREAD_STACK_SIZE);
    Atomics.store(this.#u32, (rec + W.TLS_BASE) >>> 2, 0);
    Atomics.store(this.#u32, (rec + W.STACK_ALLOC) >>> 2, 0);
  }

  #breakPool(error) {
    if (this.#broken) return;
    this.#broken = error instanceof BrokenPoolError ? error : new BrokenPoolError(String(error && error.message || error), { cause: error });
    for (const task of this.#backlog.splice(0)) task.future._reject(this.#broken);
    for (const task of this.#tasks) if (task) task.future._reject(this.#broken);
    this.#checkIdle();
    if (!this.#closed) this.shutdown({ wait: false, cancelFutures: true });
  }

  // ---- shutdown ----

  async #finish() {
    try {
      await this.#ready;
    } catch {
      // A pool that failed to start still has to free what it made.
    }
    if (!this.#broken && !this.#terminating) await this.#idle();
    if (this.#rt === null) return;
    const { wasm } = this.#rt;
    wasm.wp_begin_shutdown(this.#ptr, SHUTDOWN_NOW);
    if (!this.#terminating) {
      // Idle workers wake and exit on their own; give them a moment.
      const live = this.#workers.filter((r) => r && !r.gone);
      await Promise.race([
        Promise.all(live.map((r) => r.exited)),
        new Promise((r) => setTimeout(r, EXIT_GRACE_MS)),
      ]);
    }
    for (const record of this.#workers) {
      if (record && !record.gone) await this.#terminate(record);
    }
    // Anything still queued (a broken pool) is cancelled with a clear error.
    for (const id of takeVec(wasm, wasm.wp_drain_queued(this.#ptr))) {
      const task = this.#tasks[id & 0xffff];
      this.#tasks[id & 0xffff] = undefined;
      task?.future._reject(new ShutdownError('the pool was shut down before this task ran'));
    }
    for (const task of this.#tasks) task?.future._reject(new ShutdownError('the pool was shut down'));
    this.#tasks = [];
    this.#outstanding = 0;
    this.#kick();
    for (const code of this.#codes.values()) if (code.ptr) wasm.wp_free(code.ptr, code.len);
    this.#codes.clear();
    wasm.wp_free(this.#inlineBase, this.#slotCount * INLINE_BYTES);
    wasm.wp_pool_free(this.#ptr);
    this.#ptr = 0;
  }
}

// TaskOptions.transfer: the buffers are moved (their bytes were just copied
// into shared memory), so the caller loses them, as with postMessage.
function detach(buffers) {
  if (!Array.isArray(buffers)) throw new TypeError('transfer must be an array of ArrayBuffers');
  for (const b of buffers) {
    if (!(b instanceof ArrayBuffer)) throw new TypeError('transfer must be an array of ArrayBuffers');
    if (typeof b.transfer === 'function') b.transfer();
    else structuredClone(b, { transfer: [b] });
  }
}

function takeVec(wasm, [ptr, len]) {
  const out = Array.from(new Uint32Array(wasm.memory.buffer, ptr, len));
  if (len) wasm.__wbindgen_free(ptr, len * 4, 4);
  return out;
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${Object.prototype.toString.call(value)})` : `${typeof value} ${String(value)}`;
}
