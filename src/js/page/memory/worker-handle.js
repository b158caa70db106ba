// One pool worker's life, seen from the page: start it on the pool's shared
// memory, hear its few messages, notice when it dies, kill it safely (core
// invariant 4) and give back the stack and TLS its thread allocated.

import { inThreadStart, takeThreadMemory } from '../../common/layout.js';
import { THREAD_STACK_ALIGN } from '../../common/layout-constants.js';
import { MSG } from '../../common/messages.js';
import { BrokenPoolError } from '../../errors.js';
import { markThreadStartTrapped } from '../../runtime.js';
import { newWorkerName, whenWorkerGone } from '../life-lock.js';
import { trace } from '../trace.js';

/** @typedef {import('../../runtime.js').Runtime} Runtime */
/** @typedef {import('../../runtime.js').SpawnedWorker} SpawnedWorker */

/**
 * A worker spawned for a pool, before its start.
 * @typedef {{ worker: SpawnedWorker, uid: number, name: string }} Spawned
 */

/**
 * What a WorkerHandle works with: the runtime, the pool's handle, its
 * CoreView and the fields of the InitMessage (common/messages.js) common to
 * every worker.
 * @typedef {object} HandleCore
 * @property {Runtime} rt
 * @property {number} ptr
 * @property {import('../../common/layout.js').CoreView} view
 * @property {Omit<import('../../common/messages.js').InitMessage, 'index' | 'uid'>} init
 */

/**
 * What a WorkerHandle reports to its transport.
 * @typedef {object} HandleEvents
 * @property {() => void} onWake a completion (MSG.WAKE: the page has no Atomics.waitAsync)
 * @property {(data: { id: number, value: unknown }) => void} onProgress a task's progress report
 * @property {(handle: WorkerHandle, retired: boolean | undefined) => void} onExited it left its loop
 * @property {(handle: WorkerHandle) => void} onDied it died or trapped
 */

/**
 * What a pool worker of the shared transport posts to the page (MSG).
 * @typedef {{ type: 'ready' }
 *   | { type: 'error', message: string, threadStart?: boolean }
 *   | { type: 'wake' }
 *   | { type: 'progress', id: number, value: unknown }
 *   | { type: 'exited', retired?: boolean }
 *   | { type: 'panicked' }} WorkerMessage
 */

// How long the page spins on a kill handshake step before yielding to timers.
const KILL_SPINS = 1000;

// Resolves once `done()` is true: spins briefly (a handshake step is a few
// hundred instructions of the worker's), then polls between timer turns.
/** @param {() => boolean} done */
async function until(done) {
  for (let spins = 0; !done(); spins++) {
    if (spins >= KILL_SPINS) await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Spawns a worker that waits for its start (its InitMessage, which
 * WorkerHandle posts): `{ worker, uid, name }`. A pool spawns its first
 * workers so before its runtime is up, so that their scripts load meanwhile.
 * @param {(name: string) => SpawnedWorker} spawnWorker
 * @returns {Spawned}
 */
export function spawnAhead(spawnWorker) {
  const { uid, name } = newWorkerName();
  return { worker: spawnWorker(name), uid, name };
}

export class WorkerHandle {
  /** @type {SpawnedWorker} the Web Worker */
  worker;
  /** @type {number} unique across the page's pools */
  uid;
  /** @type {string} the worker's name, which is also its life lock's (life-lock.js) */
  name;
  /** @type {number} its index in the pool's worker table */
  index;
  /** True once it runs no more tasks (exited, killed or dead). */
  gone = false;
  /** @type {Promise<void>} resolves when it has left its loop by itself (MSG.EXITED) */
  exited;
  /** @type {Promise<void>} resolves when it runs no more tasks: it exited, was killed or retired, or died */
  left;
  /** @type {Promise<void>} resolves when it has started, rejects with BrokenPoolError if it could not */
  ready;
  /** @type {Promise<void>} resolves once a killed worker's thread memory is given back (its thread has ended) */
  released = Promise.resolve();
  /** @type {HandleCore} */
  #core;
  /** @type {HandleEvents} */
  #events;
  /** @type {() => void} */
  #markExited;
  /** @type {() => void} */
  #markLeft;
  /** @type {() => void} */
  #markReady;
  #started = false;
  #startFailed = false;
  /** @type {Promise<boolean> | undefined} */
  #lifeLockReleased;

  /**
   * Starts a worker in table slot `index`.
   * @param {HandleCore} core
   * @param {number} index
   * @param {HandleEvents} events
   * @param {Spawned} [spawned] a worker spawned ahead (spawnAhead), else one is spawned now
   */
  constructor(core, index, events, spawned = spawnAhead(core.rt.spawnWorker)) {
    this.#core = core;
    this.#events = events;
    this.index = index;
    this.exited = new Promise((resolve) => {
      this.#markExited = resolve;
    });
    this.left = new Promise((resolve) => {
      this.#markLeft = resolve;
    });
    const { rt, ptr } = core;
    this.uid = spawned.uid;
    this.name = spawned.name;
    this.worker = spawned.worker;
    rt.glue.wp_occupy(ptr, index, this.uid);
    this.ready = new Promise((resolve, reject) => {
      this.#markReady = resolve;
      this.worker.onmessage = ({ data }) => this.#onMessage(data, resolve, reject);
      this.worker.onerror = (event) => this.#onError(event, reject);
      // Node.js's workers (node/runtime.js) report their end; a Web Worker never calls this.
      this.worker.onexit = () => this.#onExit(reject);
    });
    this.worker.postMessage({ ...core.init, index, uid: this.uid });
  }

  /**
   * Posts a message to the worker (MSG.SHARED_BUFFER).
   * @param {unknown} message
   */
  post(message) {
    this.worker.postMessage(message);
  }

  /**
   * @param {WorkerMessage} data
   * @param {() => void} resolve
   * @param {(error: unknown) => void} reject
   */
  #onMessage(data, resolve, reject) {
    switch (data?.type) {
      case MSG.READY:
        this.#started = true;
        this.#watchForDeath();
        resolve();
        break;
      case MSG.ERROR:
        this.#startFailed = true;
        if (this.#started) console.error(`wasmpool: worker ${this.uid} failed: ${data.message}`);
        if (data.threadStart) markThreadStartTrapped(data.message);
        reject(new BrokenPoolError(`a worker failed to start: ${data.message}`));
        break;
      case MSG.WAKE:
        this.#events.onWake();
        break;
      case MSG.PROGRESS:
        this.#events.onProgress(data);
        break;
      case MSG.EXITED:
        this.#events.onExited(this, data.retired);
        this.#markExited();
        break;
      case MSG.PANICKED:
        this.#events.onDied(this);
        break;
    }
  }

  /**
   * @param {ErrorEvent} event
   * @param {(error: unknown) => void} reject
   */
  #onError(event, reject) {
    event.preventDefault?.();
    const message = event.message || 'the worker script failed to load';
    if (!this.#started) {
      this.#startFailed = true;
      // A worker that cannot even start would fail again if replaced.
      this.#leave();
      reject(new BrokenPoolError(`a worker failed to start: ${message}`));
    } else {
      // An uncaught error outside a task (a stray timer callback) does not
      // stop a worker; a worker that really dies is noticed through its
      // Web Lock (#watchForDeath), so this only reports.
      console.error(`wasmpool: uncaught error in worker ${this.uid}: ${message}`);
    }
  }

  /** @param {(error: unknown) => void} reject */
  #onExit(reject) {
    if (!this.#started) {
      this.#startFailed = true;
      this.gone = true;
      reject(new BrokenPoolError('a worker exited before it started'));
    } else if (!this.gone) {
      this.#events.onDied(this);
    }
  }

  // Its life lock (life-lock.js) notices a worker that dies by itself
  // (self.close(), a crash, out of memory). Requested once it started, or by
  // kill() once its thread start is over: the worker holds the lock by then
  // (it records its thread start only once it does), so the page's request
  // cannot be granted before the worker's.
  #watchForDeath() {
    this.#lifeLockReleased ??= whenWorkerGone(this.name, () => {
      if (!this.gone) this.#events.onDied(this);
    });
  }

  // Resolves to true once the worker's thread has ended for sure (Node.js:
  // its 'exit'; browsers: its life lock is released), false if that cannot
  // be known (a browser without Web Locks: its thread memory is then kept,
  // not freed under a thread that may still run).
  /** @returns {Promise<boolean>} */
  async #threadEnded() {
    if (this.worker.closed) {
      await this.worker.closed;
      return true;
    }
    this.#watchForDeath();
    return /** @type {Promise<boolean>} */ (this.#lifeLockReleased); // set by #watchForDeath
  }

  /**
   * Kill handshake (core invariant 4), then terminate. `dead`: the worker
   * runs no wasm any more (it trapped or crashed), so there is no critical
   * section to wait for. Resolves to the ids of the tasks it was running,
   * which the core has marked DONE for the page to settle as crashed; its
   * thread memory is given back once its thread has ended.
   * @param {{ dead?: boolean }} [options]
   * @returns {Promise<Uint32Array>}
   */
  async kill({ dead = false } = {}) {
    const { rt, ptr, view } = this.#core;
    const { glue } = rt;
    this.#leave();
    glue.wp_request_kill(ptr, this.index);
    // wasm-bindgen's thread start takes locks that no handshake covers: a
    // worker terminated there could hold them for good. It is short; once
    // done, the worker parks at its first critical section.
    const record = glue.wp_worker_ptr(ptr, this.index);
    trace(`worker ${this.uid}: kill${dead ? ' (dead)' : ''}, started ${this.#started}; waiting for its thread start`);
    await until(() => dead || this.#startFailed || !inThreadStart(view.refresh().u32, record));
    trace(`worker ${this.uid}: waiting until it is safe to terminate`);
    await until(() => dead || glue.wp_safe_to_terminate(ptr, this.index));
    this.worker.terminate();
    // Killed before the page heard it start (it may have run tasks already):
    // pool.ready waits for it no longer, or a shutdown would wait for good.
    this.#markReady();
    const abandoned = glue.wp_abandon(ptr, this.index);
    trace(`worker ${this.uid}: terminated, ${abandoned.length} task(s) abandoned`);
    // terminate() only asks the thread to stop: a worker busy in a task runs
    // on (up to 2 s in Chromium), and one the kill request woke for a moment,
    // writing its stack and TLS, so freed at once they could be handed out
    // again and overwritten. So its thread memory leaves the record now (a
    // replacement reuses the record) and is freed once the thread has ended.
    // (Shutdown waits for that only briefly.) A dead worker runs no wasm:
    // freed at once, so that its replacement's stack reuses it instead of
    // growing the memory.
    const memory = this.#takeThreadMemory();
    if (dead) freeThreadMemory(rt, memory);
    else {
      this.released = this.#threadEnded().then((ended) => {
        trace(`worker ${this.uid}: thread ended (${ended ? 'memory freed' : 'unknown: memory kept'})`);
        if (ended) freeThreadMemory(rt, memory);
      });
    }
    return abandoned;
  }

  /** It left by itself: it runs no more wasm, so its thread memory can go now. */
  retire() {
    this.#leave();
    this.worker.terminate();
    freeThreadMemory(this.#core.rt, this.#takeThreadMemory());
  }

  #leave() {
    this.gone = true;
    this.#markLeft();
  }

  // The stack, TLS and thread heap (src/wasm/alloc.rs) a worker thread
  // allocated for itself, taken out of its record so they are freed once,
  // by the page (core invariant 10).
  #takeThreadMemory() {
    const { rt, ptr, view } = this.#core;
    return takeThreadMemory(view.refresh().u32, rt.glue.wp_worker_ptr(ptr, this.index));
  }
}

/**
 * Frees what takeThreadMemory took out of a record. `__wbindgen_thread_destroy`
 * reads a 0 (or undefined) TLS or stack as "the calling thread's": the page's
 * own, which it would free, leaving the page on wasm-bindgen's scratch stack
 * or with its TLS base at -2^31. So it only ever gets both; a stack without
 * its TLS (a thread killed between the two, which wp_worker_start stores
 * stack first) is freed alone, and a TLS without its stack cannot be.
 * @param {Runtime} rt
 * @param {{ tls: number, stack: number, heap: number, heapBytes: number }} memory
 */
export function freeThreadMemory(rt, { tls, stack, heap, heapBytes }) {
  if (tls && stack) rt.wasm.__wbindgen_thread_destroy(tls, stack, rt.stackSize);
  else if (stack) rt.wasm.__wbindgen_free(stack, rt.stackSize, THREAD_STACK_ALIGN);
  if (heap) rt.glue.wp_free_thread_heap(heap, heapBytes);
}
