// One pool worker's life, seen from the page: start it on the pool's shared
// memory, hear its few messages, notice when it dies, kill it safely (core
// invariant 4) and give back the stack and TLS its thread allocated.

import { BrokenPoolError } from '../errors.js';
import { markThreadStartTrapped } from '../runtime.js';
import { takeThreadMemory } from '../shared/layout.js';
import { MSG } from '../shared/messages.js';

// Unique ids for worker occupants across all pools of the page.
let nextUid = 1;

// How long the page spins on the kill handshake before yielding to timers.
const KILL_SPINS = 1000;

export class WorkerHandle {
  /** The Web Worker. */
  worker;
  /** Unique across the page's pools (names the worker and its Web Lock). */
  uid = nextUid++;
  /** Its index in the pool's worker table. */
  index;
  /** True once it runs no more tasks (exited, killed or dead). */
  gone = false;
  /** Resolves when it has left its loop by itself (MSG.EXITED). */
  exited;
  /** Resolves when it runs no more tasks: it exited, was killed or retired, or died. */
  left;
  /** Resolves when it has started, rejects with BrokenPoolError if it could not. */
  ready;
  #core;
  #events;
  #markExited;
  #markLeft;
  #started = false;

  /**
   * Starts a worker in table slot `index`.
   * @param {object} core `{ rt, ptr, view, lockPrefix, init }`: the runtime, the
   *   pool's handle, its CoreView, the Web Lock name prefix and the fields of
   *   the InitMessage (shared/messages.js) common to every worker
   * @param {object} events `{ onWake(), onProgress(data), onExited(handle, retired), onDied(handle) }`
   */
  constructor(core, index, events) {
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
    rt.glue.wp_occupy(ptr, index, this.uid);
    this.worker = rt.spawnWorker(`wasmpool-${this.uid}`);
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = ({ data }) => this.#onMessage(data, resolve, reject);
      this.worker.onerror = (event) => this.#onError(event, reject);
      // Node.js's workers (node/runtime.js) report their end; a Web Worker never calls this.
      this.worker.onexit = () => this.#onExit(reject);
    });
    this.worker.postMessage({ ...core.init, index, uid: this.uid, lockName: this.#lockName });
  }

  get #lockName() {
    return this.#core.lockPrefix + this.uid;
  }

  /** Posts a message to the worker (MSG.SHARED_BUFFER). */
  post(message) {
    this.worker.postMessage(message);
  }

  #onMessage(data, resolve, reject) {
    switch (data?.type) {
      case MSG.READY:
        this.#started = true;
        this.#watchForDeath();
        resolve();
        break;
      case MSG.ERROR:
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

  #onError(event, reject) {
    event.preventDefault?.();
    const message = event.message || 'the worker script failed to load';
    if (!this.#started) {
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

  #onExit(reject) {
    if (!this.#started) {
      this.gone = true;
      reject(new BrokenPoolError('a worker exited before it started'));
    } else if (!this.gone) {
      this.#events.onDied(this);
    }
  }

  // A worker holds a Web Lock for its whole life; the page's request for the
  // same lock is granted only when the worker is gone. That is how a worker
  // that dies by itself (self.close(), a crash, out of memory) is noticed:
  // no event reports it.
  #watchForDeath() {
    if (!globalThis.navigator?.locks) return;
    navigator.locks
      .request(this.#lockName, () => {
        if (!this.gone) this.#events.onDied(this);
      })
      .catch(() => {});
  }

  /**
   * Kill handshake (core invariant 4), then terminate. `dead`: the worker
   * runs no wasm any more (it trapped or crashed), so there is no critical
   * section to wait for. Resolves to the ids of the tasks it was running,
   * which the core has marked DONE for the page to settle as crashed.
   */
  async kill({ dead = false } = {}) {
    const { glue } = this.#core.rt;
    const { ptr } = this.#core;
    this.#leave();
    glue.wp_request_kill(ptr, this.index);
    for (let spins = 0; !dead && !glue.wp_safe_to_terminate(ptr, this.index); spins++) {
      if (spins < KILL_SPINS) continue;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    this.worker.terminate();
    const abandoned = glue.wp_abandon(ptr, this.index);
    this.freeThreadMemory();
    return abandoned;
  }

  /** It left by itself: it runs no more wasm, so its thread memory can go. */
  retire() {
    this.#leave();
    this.worker.terminate();
    this.freeThreadMemory();
  }

  #leave() {
    this.gone = true;
    this.#markLeft();
  }

  // The stack, TLS and thread heap (src/wasm/alloc.rs) a worker thread
  // allocated for itself. Freed here, on the page, once the worker runs no
  // more wasm; taken out of its record so it happens once.
  freeThreadMemory() {
    const { rt, ptr, view } = this.#core;
    const record = rt.glue.wp_worker_ptr(ptr, this.index);
    const { tls, stack } = takeThreadMemory(view.refresh().u32, record);
    if (tls || stack) rt.wasm.__wbindgen_thread_destroy(tls || undefined, stack || undefined, rt.stackSize);
    rt.glue.wp_free_thread_heap(ptr, this.index);
  }
}
