// The way out: results come back on the core's completion ring. While tasks
// are in slots, a pump on the page drains that ring, reads each result from
// its slot, gives the slot back and settles the task's Future. Between
// batches it waits with Atomics.waitAsync on the completion event (never a
// blocking wait: the main thread must not block), after a short poll.
//
// Progress reports travel apart from results (a message; shared memory), so
// a result can arrive before its task's last reports. The worker writes how
// many it posted (P.PROGRESS); a future whose reports have not all arrived
// settles when the last one does (or when its worker is gone).

import { decode } from '../../common/codec/index.js';
import { completionWords } from '../../common/layout.js';
import { P, STATUS_CRASHED } from '../../common/protocol.js';
import { platform } from '../../platform.js';
import { outcome } from '../engine.js';

const HAS_WAIT_ASYNC = typeof Atomics.waitAsync === 'function';

// How long the page polls for a completion before waiting asynchronously.
const MAIN_SPIN_MS = 0.03;

/** @typedef {import('./dispatcher.js').SlotTask} SlotTask */

/**
 * A settled task whose progress reports have not all arrived.
 * @typedef {object} AwaitingReports
 * @property {SlotTask} task
 * @property {number} expected the reports its worker posted
 * @property {number} worker the worker's index
 * @property {boolean} ok
 * @property {unknown} value
 */

export class Completions {
  /** @type {import('../../runtime.js').WasmExports} */
  #wasm;
  /** @type {number} the pool's handle; 0 once its memory is freed */
  #ptr;
  /** @type {import('../../common/layout.js').CoreView} */
  #view;
  /** @type {import('../../common/refs.js').SharedRefs} */
  #refs;
  /** @type {import('./dispatcher.js').Dispatcher} */
  #dispatcher;
  /** @type {import('../engine.js').PoolHost} */
  #host;
  /** @type {{ event: number, mainWaiting: number }} */
  #words;
  #pumping = false;
  /** @type {(() => void) | null} resolves the pump's wait when workers wake it by message */
  #wake = null;
  /** @type {Map<number, AwaitingReports>} task id -> its outcome */
  #awaitingReports = new Map();

  /** Whether workers must post MSG.WAKE (this browser has no Atomics.waitAsync). */
  static get needsMessageWake() {
    return !HAS_WAIT_ASYNC;
  }

  /**
   * `ptr`: the pool's handle; `address`: its control block's (for the words
   * read in place); `host`: the engine, which settles the futures.
   * @param {object} parts
   * @param {import('../../runtime.js').WasmExports} parts.wasm
   * @param {number} parts.ptr
   * @param {number} parts.address
   * @param {import('../../common/layout.js').CoreView} parts.view
   * @param {import('../../common/refs.js').SharedRefs} parts.refs
   * @param {import('./dispatcher.js').Dispatcher} parts.dispatcher
   * @param {import('../engine.js').PoolHost} parts.host
   */
  constructor({ wasm, ptr, address, view, refs, dispatcher, host }) {
    this.#host = host;
    this.#wasm = wasm;
    this.#ptr = ptr;
    this.#view = view;
    this.#refs = refs;
    this.#dispatcher = dispatcher;
    this.#words = completionWords(address);
  }

  /** Starts the pump unless it runs. */
  pump() {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#pumpLoop().catch((error) => console.error('wasmpool: completion loop failed', error));
  }

  // Core invariant 6: announce, read the event, drain, then wait on the value read.
  async #pumpLoop() {
    const { event, mainWaiting } = this.#words;
    // Node.js: a waitAsync does not keep the process alive, and idle workers
    // do not either (node/runtime.js); while results are due, this does.
    const release = platform.holdProcess();
    try {
      while (this.#dispatcher.inSlots > 0) {
        const { i32 } = this.#view.refresh();
        Atomics.store(i32, mainWaiting, 1);
        const seen = Atomics.load(i32, event);
        if (this.#drain() > 0) {
          // Let the resolved futures' reactions run before the next batch.
          await null;
          continue;
        }
        if (this.#dispatcher.inSlots === 0) break;
        // Poll briefly before parking: a short task finishes within a few
        // microseconds, and catching it here saves the cross-thread task
        // hop that waking a waitAsync costs (as much as a postMessage).
        if (spinFor(i32, event, seen)) continue;
        await this.#waitFor(i32, event, seen);
      }
    } finally {
      release();
      this.#pumping = false;
      if (this.#ptr) Atomics.store(this.#view.refresh().i32, mainWaiting, 0);
    }
  }

  /**
   * @param {Int32Array} i32
   * @param {number} event the completion event's word
   * @param {number} seen its value before the drain
   */
  async #waitFor(i32, event, seen) {
    if (HAS_WAIT_ASYNC) {
      const r = Atomics.waitAsync(i32, event, seen);
      if (r.async) await r.value;
    } else {
      await /** @type {Promise<void>} */ (
        new Promise((resolve) => {
          this.#wake = resolve;
        })
      );
      this.#wake = null;
    }
  }

  /** The pool's memory is about to be freed: the pump must not touch it again. */
  close() {
    this.#ptr = 0;
  }

  /** A worker's MSG.WAKE (no Atomics.waitAsync here). */
  wake() {
    this.#wake?.();
  }

  /** Wakes the pump from the page itself (a worker died, a task was abandoned). */
  kick() {
    const { i32 } = this.#view.refresh();
    Atomics.add(i32, this.#words.event, 1);
    Atomics.notify(i32, this.#words.event);
    this.#wake?.();
  }

  #drain() {
    const wasm = this.#wasm;
    let n = 0;
    for (let id = wasm.wp_pop_completion(this.#ptr); id >= 0; id = wasm.wp_pop_completion(this.#ptr)) {
      this.settle(id);
      n++;
    }
    if (n > 0) {
      this.#dispatcher.flushBacklog();
      this.#host.checkIdle();
    }
    return n;
  }

  /**
   * Reads a DONE slot's result, gives the slot back, settles the future.
   * @param {number} id
   */
  settle(id) {
    const { u8, u32 } = this.#view.refresh();
    const w = this.#view.payload(id);
    const ptr = u32[w + P.RESULT_PTR];
    const len = u32[w + P.RESULT_LEN];
    const { ok, value } = outcome(u32[w + P.STATUS], () => decode(u8.subarray(ptr, ptr + len), this.#refs));
    if (u32[w + P.RESULT_HEAP]) this.#wasm.wp_free(ptr, len);
    this.#finish(id, ok, value, u32[w + P.PROGRESS]);
  }

  // Gives the slot back and settles its task, now or once its `reports`
  // progress reports have all arrived.
  /**
   * @param {number} id
   * @param {boolean} ok
   * @param {unknown} value
   * @param {number} reports
   */
  #finish(id, ok, value, reports) {
    const worker = reports > 0 ? this.#view.claimingWorker(id) : -1;
    this.#wasm.wp_release(this.#ptr, id);
    const task = this.#dispatcher.finish(id);
    if (task === undefined) return;
    if (task.reports >= reports) this.#host.settle(task, ok, value);
    else this.#awaitingReports.set(id, { task, expected: reports, worker, ok, value });
  }

  /**
   * A task's progress report (MSG.PROGRESS), in the order its worker posted them.
   * @param {number} id
   * @param {unknown} value
   */
  progress(id, value) {
    const waiting = this.#awaitingReports.get(id);
    const task = waiting?.task ?? this.#dispatcher.inSlot(id);
    if (task === undefined) return;
    task.reports++;
    task.future._progress(value);
    if (waiting !== undefined && task.reports >= waiting.expected) {
      this.#awaitingReports.delete(id);
      this.#host.settle(task, waiting.ok, waiting.value);
    }
  }

  /**
   * Worker `index` is gone (every worker if none given): reports it had not
   * delivered never will be, so its tasks awaiting them settle now.
   * @param {number} [index]
   */
  workerGone(index) {
    for (const [id, waiting] of this.#awaitingReports) {
      if (index !== undefined && waiting.worker !== index) continue;
      this.#awaitingReports.delete(id);
      this.#host.settle(waiting.task, waiting.ok, waiting.value);
    }
  }

  /**
   * Settles a task whose worker died running it (core invariant 7).
   * @param {number} id
   */
  crashed(id) {
    const { ok, value } = outcome(STATUS_CRASHED, () => undefined);
    this.#finish(id, ok, value, 0);
  }
}

// True if the completion event moved within MAIN_SPIN_MS.
/**
 * @param {Int32Array} i32
 * @param {number} event
 * @param {number} seen
 */
function spinFor(i32, event, seen) {
  const until = performance.now() + MAIN_SPIN_MS;
  do {
    for (let k = 0; k < 64; k++) if (Atomics.load(i32, event) !== seen) return true;
  } while (performance.now() < until);
  return false;
}
