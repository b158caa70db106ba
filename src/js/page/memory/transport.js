// The shared-memory transport (the Transport of page/engine.js): tasks and
// results live in the pool's shared wasm memory. The pieces:
//   dispatcher.js    task → slot in shared memory → the core's injector ring
//   completions.js   the core's completion ring → the engine settles the task
//   worker-handle.js one worker's start, death, kill handshake and memory
// The protocol and its invariants: src/sched/README.md.

import { CoreView } from '../../common/layout.js';
import { SHUTDOWN_NOW } from '../../common/layout-constants.js';
import { MSG } from '../../common/messages.js';
import { INLINE_BYTES, P } from '../../common/protocol.js';
import { SharedRefs } from '../../common/refs.js';
import { BrokenPoolError, PoolError, ShutdownError } from '../../errors.js';
import { platform } from '../../platform.js';
import { assertIsolated, loadRuntime, messageWorkers, threadStartTrapped } from '../../runtime.js';
import { importTaskModules } from '../task-codes.js';
import { trace } from '../trace.js';
import { Completions } from './completions.js';
import { Dispatcher } from './dispatcher.js';
import { allocShared } from './shared-arrays.js';
import { calibrateSpin } from './spin.js';
import { spawnAhead, WorkerHandle } from './worker-handle.js';

// How long shutdown waits at most for killed workers' thread memory to come back.
const RELEASE_WAIT_MS = 250;

// How long shutdown waits at most for idle workers to leave by themselves,
// for a worker whose event loop does not answer (no event tells that apart).
const EXIT_GRACE_MS = 2000;

/** @typedef {import('../engine.js').Transport} Transport */
/** @typedef {import('./dispatcher.js').SlotTask} SlotTask */
/** @typedef {import('../../runtime.js').Runtime} Runtime */

/**
 * The pool in the runtime, once loaded. `ptr` is the pool's handle
 * (wp_pool_new), which every wp_* export checks: after wp_pool_free, a stray
 * call with it is a TypeError or an inert answer, never a write to freed
 * memory (src/wasm/pools.rs).
 * @typedef {object} Core
 * @property {Runtime} rt
 * @property {number} ptr
 * @property {CoreView} view
 * @property {SharedRefs} refs
 * @property {number} inlineBase address of the slots' inline argument areas
 * @property {Omit<import('../../common/messages.js').InitMessage, 'index' | 'uid' | 'sharedBuffers'>} init
 *   the InitMessage's fields common to every worker
 */

/** @implements {Transport} */
export class MemoryTransport {
  /** @type {import('../engine.js').PoolHost} */
  #host;
  /** @type {import('../options.js').PoolConfig} */
  #config;
  /** @type {Core | null} once loaded */
  #core = null;
  /** @type {Dispatcher} */
  #dispatcher;
  /** @type {Completions | null} made with #core */
  #completions = null;
  /** @type {Array<WorkerHandle|undefined>} index -> its worker */
  #handles = [];
  /** @type {import('./worker-handle.js').Spawned[]} the first workers (spawnAhead), taken by #spawn */
  #spawnedAhead = [];
  /** @type {(() => void) | null} releases the process (keepAlive) once the pool has finished */
  #keepingAlive = null;

  /** @param {import('../engine.js').PoolHost} host */
  constructor(host) {
    assertIsolated("new Pool({ transport: 'shared' })");
    this.#host = host;
    const config = host.config;
    this.#config = config;
    // (Tasks are published once the runtime is loaded, with #completions.)
    this.#dispatcher = new Dispatcher(host.codes, () => /** @type {Completions} */ (this.#completions).pump());
    // The first workers' scripts load while the runtime does (the page's
    // first pool fetches and compiles the wasm meanwhile); they wait for
    // their InitMessage. (A Rust crate's runtime is up already.)
    const spawnWorker = messageWorkers()?.spawnWorker;
    if (spawnWorker) this.#spawnedAhead = Array.from({ length: config.workers }, () => spawnAhead(spawnWorker));
    this.ready = this.#start().finally(() => {
      for (const { worker } of this.#spawnedAhead.splice(0)) worker.terminate(); // left over: the start failed
    });
    // Node.js: a pool holds the process while it starts (and, with keepAlive,
    // until it has shut down); the completion pump holds it while tasks run.
    const starting = platform.holdProcess();
    this.ready.then(starting, starting);
    if (config.keepAlive) this.#keepingAlive = platform.holdProcess();
  }

  /**
   * Encodes a task's arguments at the call (the bytes are valid until the next call).
   * @param {unknown} value
   * @param {string} root
   */
  encode(value, root) {
    return this.#dispatcher.encode(value, root);
  }

  /** Tasks submitted and not yet claimed by a worker (maxQueueSize). */
  waiting() {
    return this.#dispatcher.waiting();
  }

  /**
   * @param {SlotTask} task
   * @param {Uint8Array} bytes
   */
  place(task, bytes) {
    this.#dispatcher.place(task, bytes);
  }

  /** @param {SlotTask} task */
  withdraw(task) {
    return this.#dispatcher.withdraw(task);
  }

  /** @param {SlotTask} task */
  isRunning(task) {
    return this.#dispatcher.isRunning(task);
  }

  // A running task's pool has loaded: requestAbort and kill find #core.

  /**
   * The page stores 1 in the task's abort word and notifies it (self.wasmpool.signal).
   * @param {SlotTask} task
   */
  requestAbort(task) {
    const view = /** @type {Core} */ (this.#core).view.refresh();
    const word = view.payload(task.id) + P.ABORT;
    Atomics.store(view.i32, word, 1);
    Atomics.notify(view.i32, word);
  }

  /** @param {SlotTask} task */
  kill(task) {
    this.#replace(this.#handles[/** @type {Core} */ (this.#core).view.claimingWorker(task.id)]);
  }

  /**
   * pool.alloc: a typed array in the shared memory.
   * @template {import('./shared-arrays.js').TypedArrayConstructor} T
   * @param {T} Type
   * @param {number} length
   */
  alloc(Type, length) {
    if (this.#core === null) throw new PoolError('pool.alloc() needs a ready pool: await pool.ready first');
    return allocShared(this.#core.rt, this.#core.refs, Type, length);
  }

  busy() {
    return this.#dispatcher.busy();
  }

  /** @param {unknown} error */
  rejectAll(error) {
    this.#dispatcher.rejectAll(error);
  }

  cancelPending() {
    this.#dispatcher.cancelPending();
  }

  // ---- the pool's life: start, workers, breakage, shutdown ----

  async #start() {
    const rt = await loadRuntime();
    const { wasm, glue } = rt;
    const config = this.#config;
    reserveMemory(rt, config.reserveMemory);
    // The page imports the task modules too: to know their export names (a
    // typo is an error at the call site) and to map `tasks.resize` to its name.
    this.#host.codes.setExports(await importTaskModules(config.modules), (name) => rt.glue.wp_has_task(name));
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
    const host = this.#host;
    this.#completions = new Completions({ wasm, ptr, address, view, refs, dispatcher: this.#dispatcher, host });
    this.#core = {
      rt,
      ptr,
      view,
      refs,
      inlineBase,
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
    calibrateSpin(wasm, ptr); // (the first pool of a page probes, while its workers boot)
    this.#dispatcher.attach({ wasm, ptr, view, inlineBase, externalRef: refs.externalRef });
    await Promise.all(started);
  }

  #live() {
    return /** @type {WorkerHandle[]} */ (this.#handles.filter((h) => h && !h.gone));
  }

  // Workers start once the pool has loaded (#start): #core and #completions are made.
  /**
   * @param {number} index
   * @returns {Promise<void>}
   */
  #spawn(index) {
    // After a trap in a thread start a new worker could wait for good (runtime.js).
    const trapped = threadStartTrapped();
    if (trapped) return Promise.reject(trapped);
    const core = /** @type {Core} */ (this.#core);
    const init = { ...core.init, sharedBuffers: core.refs.entries() };
    /** @type {import('./worker-handle.js').HandleEvents} */
    const events = {
      onWake: () => /** @type {Completions} */ (this.#completions).wake(),
      onProgress: ({ id, value }) => /** @type {Completions} */ (this.#completions).progress(id, value),
      onExited: (h, retired) => this.#exited(h, retired),
      onDied: (h) => this.#replace(h, { dead: true }),
    };
    const spawned = this.#spawnedAhead.shift();
    const handle = new WorkerHandle({ ...core, init }, index, events, spawned);
    this.#handles[index] = handle;
    return handle.ready;
  }

  /** @param {number} index */
  #respawn(index) {
    if (this.#host.wantsReplacement()) this.#spawn(index).catch((e) => this.#host.breakPool(e));
  }

  // A worker left on its own (shutdown, or retired by maxTasksPerChild).
  /**
   * @param {WorkerHandle} handle
   * @param {boolean} [retired]
   */
  #exited(handle, retired) {
    if (handle.gone) return;
    handle.retire();
    if (retired && this.#handles[handle.index] === handle) this.#respawn(handle.index);
  }

  // A worker died, trapped or must be stopped: settle its task, start another.
  /**
   * @param {WorkerHandle | undefined} handle
   * @param {{ dead?: boolean }} [options]
   */
  async #replace(handle, { dead = false } = {}) {
    if (!handle || handle.gone || this.#handles[handle.index] !== handle) return;
    trace(`worker ${handle.uid}: replaced (${dead ? 'it died' : 'its task is stopped'})`);
    await this.#kill(handle, { dead });
    this.#respawn(handle.index);
  }

  /**
   * @param {WorkerHandle} handle
   * @param {{ dead?: boolean }} [options]
   */
  async #kill(handle, options) {
    const completions = /** @type {Completions} */ (this.#completions); // a worker means a loaded pool
    for (const id of await handle.kill(options)) completions.crashed(id);
    completions.workerGone(handle.index);
    completions.kick();
  }

  /**
   * The pool is idle, or must stop `now` (broken, terminated): the workers
   * leave or are killed, and the pool's memory is freed.
   * @param {boolean} now
   */
  async stop(now) {
    const release = platform.holdProcess();
    try {
      await this.#freeAll(now);
    } finally {
      release();
      this.#keepingAlive?.();
    }
  }

  /** @param {boolean} now */
  async #freeAll(now) {
    if (this.#core === null) return;
    const { rt, ptr, inlineBase } = this.#core;
    const completions = /** @type {Completions} */ (this.#completions); // made with #core
    const { wasm, glue } = rt;
    glue.wp_begin_shutdown(ptr, SHUTDOWN_NOW);
    if (!now) {
      // Idle workers wake and exit on their own (a few ms); one that dies
      // meanwhile has left too (its death is an event: its Web Lock). Only a
      // worker whose event loop never answers (a stray endless timer) waits
      // out the grace period. (A broken pool's workers never answer: they
      // are terminated at once.)
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      let timer;
      const grace = new Promise((resolve) => {
        timer = setTimeout(resolve, EXIT_GRACE_MS);
      });
      await Promise.race([Promise.all(this.#live().map((h) => h.left)), grace]);
      clearTimeout(timer); // a pending timer would keep Node.js alive for the rest of the grace
    }
    trace(`shutdown: killing ${this.#live().length} worker(s)`);
    await Promise.all(this.#live().map((handle) => this.#kill(handle)));
    trace('shutdown: workers killed');
    // Anything still queued (a broken pool) is cancelled with a clear error.
    for (const id of glue.wp_drain_queued(ptr)) {
      this.#dispatcher.finish(id)?.future._reject(new ShutdownError('the pool was shut down before this task ran'));
    }
    completions.workerGone();
    this.#dispatcher.rejectAll(new ShutdownError('the pool was shut down'));
    this.#dispatcher.clear();
    completions.kick();
    completions.close();
    // The killed workers' thread memory comes back once their threads have
    // ended (worker-handle.js kill()): a few ms for idle ones, so a pool
    // started right after this one reuses their stacks rather than growing
    // the memory; a thread still busy (Chromium: up to 2 s) is not waited for.
    const ended = Promise.all(this.#handles.map((h) => h?.released));
    // The pool's control block, inline area and code strings go then too
    // (core invariant 9): terminate() only asks a thread to stop, and a
    // worker the kill request woke still runs its claim's last steps, which
    // write the pool's words and its record. Freed at once, such a write
    // from a preempted thread would land in a free block, on dlmalloc's own
    // links, and a later allocation would trap or loop.
    ended.then(() => {
      this.#host.codes.free(wasm);
      wasm.wp_free(inlineBase, this.#config.slots * INLINE_BYTES);
      glue.wp_pool_free(ptr);
    });
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    await Promise.race([
      ended,
      new Promise((resolve) => {
        timer = setTimeout(resolve, RELEASE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    // Node.js says when a thread has ended (node/node-worker.js `closed`; a
    // Web Worker has no such promise): shut down means they all have.
    await Promise.all(this.#handles.map((h) => h?.worker.closed));
    trace('shutdown: done');
  }
}

// reserveMemory: grows the shared memory to `bytes` now, before any worker
// starts, by allocating the difference and freeing it. The allocator keeps
// the freed block (wasm memory never shrinks), so later allocations up to
// that size are served without growing the memory during the run: the known
// workaround for Safari releases where growing a shared memory under running
// threads broke (emscripten#25905). Growing it from JS instead would not
// help: the allocator only uses pages it grew itself.
/**
 * @param {Runtime} rt
 * @param {number} bytes
 */
function reserveMemory(rt, bytes) {
  /** @type {Array<[number, number]>} */
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
