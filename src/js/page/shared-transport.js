// The shared-memory transport of a Pool (page/pool.js is the public face):
// tasks and results live in the pool's shared wasm memory. The pieces:
//   dispatcher.js    task → slot in shared memory → the core's injector ring
//   completions.js   the core's completion ring → the task's Future
//   worker-handle.js one worker's start, death, kill handshake and memory
//   task-control.js  timeouts, AbortSignals, force-cancel
// The protocol and its invariants: src/sched/README.md.

import { BrokenPoolError, PoolError, ShutdownError } from '../errors.js';
import { platform } from '../platform.js';
import { assertIsolated, loadRuntime, messageWorkers, threadStartTrapped } from '../runtime.js';
import { CoreView } from '../common/layout.js';
import { SHUTDOWN_NOW } from '../common/layout-constants.js';
import { MSG } from '../common/messages.js';
import { INLINE_BYTES, P } from '../common/protocol.js';
import { SharedRefs } from '../common/refs.js';
import { Completions } from './completions.js';
import { Dispatcher } from './dispatcher.js';
import { allocShared } from './shared-arrays.js';
import { calibrateSpin } from './spin.js';
import { importTaskModules } from './task-codes.js';
import { TaskControl } from './task-control.js';
import { trace } from './trace.js';
import { spawnAhead, WorkerHandle } from './worker-handle.js';

// How long shutdown waits at most for killed workers' thread memory to come back.
const RELEASE_WAIT_MS = 250;

// How long shutdown waits at most for idle workers to leave by themselves,
// for a worker whose event loop does not answer (no event tells that apart).
const EXIT_GRACE_MS = 2000;

export class SharedTransport {
  #config;
  // { rt, ptr, view, refs, inlineBase, init } once loaded. `ptr` is the
  // pool's handle (wp_pool_new), which every wp_* export checks: after
  // wp_pool_free, a stray call with it is a TypeError or an inert answer,
  // never a write to freed memory (src/wasm/pools.rs).
  #core = null;
  #dispatcher;
  #completions = null;
  #control;
  #handles = []; // index -> WorkerHandle
  #spawnedAhead = []; // { worker, uid, name } for the first workers (spawnAhead), taken by #spawn
  #closed = false;
  #terminating = false;
  #broken = null; // BrokenPoolError once the pool cannot run tasks
  #shutdownPromise = null;
  #keepingAlive = null; // releases the process (keepAlive) once the pool has finished

  /** @param {object} config poolConfig(options) */
  constructor(config) {
    assertIsolated("new Pool({ transport: 'shared' })");
    this.#config = config;
    this.#dispatcher = new Dispatcher({
      kill: (task) => this.#control.killRunning(task),
      onPublish: () => this.#completions.pump(),
    });
    this.#control = new TaskControl({
      withdraw: (task) => this.#dispatcher.withdraw(task),
      isRunning: (task) => this.#core?.view.isRunning(task.id),
      requestAbort: (task) => {
        const view = this.#core.view.refresh();
        const word = view.payload(task.id) + P.ABORT;
        Atomics.store(view.i32, word, 1);
        Atomics.notify(view.i32, word);
      },
      kill: (task) => this.#replace(this.#handles[this.#core.view.claimingWorker(task.id)]),
    });
    // The first workers' scripts load while the runtime does (the page's
    // first pool fetches and compiles the wasm meanwhile); they wait for
    // their InitMessage. (A Rust crate's runtime is up already.)
    const spawnWorker = messageWorkers()?.spawnWorker;
    if (spawnWorker) this.#spawnedAhead = Array.from({ length: config.workers }, () => spawnAhead(spawnWorker));
    this.ready = this.#start()
      .finally(() => {
        for (const { worker } of this.#spawnedAhead.splice(0)) worker.terminate(); // left over: the start failed
      })
      .catch((error) => {
        // Whatever failed, ready rejects with the error every later call gets.
        this.#breakPool(error);
        throw this.#broken;
      });
    this.ready.catch(() => {}); // not unhandled: the failure reaches whoever calls the pool
    // Node.js: a pool holds the process while it starts (and, with keepAlive,
    // until it has shut down); the completion pump holds it while tasks run.
    const starting = platform.holdProcess();
    this.ready.then(starting, starting);
    if (config.keepAlive) this.#keepingAlive = platform.holdProcess();
  }

  get codes() {
    return this.#dispatcher.codes;
  }

  /** Encodes a task's arguments at the call (the bytes are valid until the next call). */
  encode(value, root) {
    return this.#dispatcher.encode(value, root);
  }

  /** Tasks submitted and not yet claimed by a worker (maxQueueSize). */
  waiting() {
    return this.#dispatcher.waiting();
  }

  /** A new task's Future, with its TaskOptions (timeout, signal) applied. */
  enqueue(code, bytes, flags, options = null) {
    const task = this.#dispatcher.enqueue(code, bytes, flags);
    if (options) this.#control.apply(task, options);
    return task.future;
  }

  /** pool.alloc: a typed array in the shared memory. */
  alloc(Type, length) {
    if (this.#broken) throw this.#broken;
    if (this.#core === null) throw new PoolError('pool.alloc() needs a ready pool: await pool.ready first');
    return allocShared(this.#core.rt, this.#core.refs, Type, length);
  }

  /** Why new work is refused: the pool is broken, or shut down (ShutdownError(message)); else null. */
  closedError(message) {
    return this.#broken ?? (this.#closed ? new ShutdownError(message) : null);
  }

  shutdown({ wait = true, cancelFutures = false } = {}) {
    this.#closed = true;
    if (cancelFutures) this.#dispatcher.cancelPending();
    this.#shutdownPromise ??= this.#finish();
    return wait ? this.#shutdownPromise : Promise.resolve();
  }

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
    return this.#handles.filter((h) => h && !h.gone);
  }

  #spawn(index) {
    // After a trap in a thread start a new worker could wait for good (runtime.js).
    const trapped = threadStartTrapped();
    if (trapped) return Promise.reject(trapped);
    const core = this.#core;
    const init = { ...core.init, sharedBuffers: core.refs.entries() };
    const events = {
      onWake: () => this.#completions.wake(),
      onProgress: ({ id, value }) => this.#completions.progress(id, value),
      onExited: (h, retired) => this.#exited(h, retired),
      onDied: (h) => this.#replace(h, { dead: true }),
    };
    const spawned = this.#spawnedAhead.shift();
    const handle = new WorkerHandle({ ...core, init }, index, events, spawned);
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
    trace(`worker ${handle.uid}: replaced (${dead ? 'it died' : 'its task is stopped'})`);
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
    const release = platform.holdProcess();
    try {
      await this.#freeAll();
    } finally {
      release();
      this.#keepingAlive?.();
    }
  }

  async #freeAll() {
    try {
      await this.ready;
    } catch {
      // A pool that failed to start still has to free what it made.
    }
    if (!this.#broken && !this.#terminating && this.#dispatcher.busy()) {
      trace(`shutdown: waiting for ${this.#dispatcher.describeBusy()}`);
      await this.#dispatcher.idle();
    }
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
      clearTimeout(timer); // a pending timer would keep Node.js alive for the rest of the grace
    }
    trace(`shutdown: killing ${this.#live().length} worker(s)`);
    await Promise.all(this.#live().map((handle) => this.#kill(handle)));
    trace('shutdown: workers killed');
    // Anything still queued (a broken pool) is cancelled with a clear error.
    for (const id of glue.wp_drain_queued(ptr)) {
      this.#dispatcher.finish(id)?.future._reject(new ShutdownError('the pool was shut down before this task ran'));
    }
    this.#completions.workerGone();
    this.#dispatcher.rejectAll(new ShutdownError('the pool was shut down'));
    this.#dispatcher.clear();
    this.#completions.kick();
    this.#completions.close();
    // The killed workers' thread memory comes back once their threads have
    // ended (worker-handle.js kill()): a few ms for idle ones, so a pool
    // started right after this one reuses their stacks rather than growing
    // the memory (measured: +2 stacks per pool otherwise); a thread still
    // busy (Chromium: up to 2 s) is not waited for.
    const ended = Promise.all(this.#handles.map((h) => h?.released));
    // The pool's control block, inline area and code strings go then too
    // (core invariant 9): terminate() only asks a thread to stop, and a
    // worker the kill request woke still runs its claim's last steps, which
    // write the pool's words and its record. Freed at once, such a write
    // from a preempted thread would land in a free block, on dlmalloc's own
    // links, and a later allocation would trap or loop (a CI page did both).
    ended.then(() => {
      this.#dispatcher.codes.free(wasm);
      wasm.wp_free(inlineBase, this.#config.slots * INLINE_BYTES);
      glue.wp_pool_free(ptr);
    });
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
