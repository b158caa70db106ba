// The one JS module that knows how the Rust core lays out shared memory: a
// task slot's address, its state word's bit fields, the pool's event words
// and a worker record's fields. Every number comes from layout-constants.js,
// which is generated from src/layout.rs (one source of truth); no other JS
// file shifts, masks or adds offsets to reach the core's words.

import {
  GENERATION_MASK,
  GENERATION_SHIFT,
  LAYOUT_HASH,
  POOL_COMPLETION_EVENT,
  POOL_MAIN_WAITING,
  SLOT_BYTES,
  SLOT_PAYLOAD,
  SLOT_STATE,
  STATE_MASK,
  STATE_RUNNING,
  STATUS_STARTING,
  TASK_GENERATION_SHIFT,
  TASK_SLOT_MASK,
  WORKER_SHIFT,
  WORKER_STACK_ALLOC,
  WORKER_STATUS,
  WORKER_THREAD_HEAP,
  WORKER_THREAD_HEAP_BYTES,
  WORKER_TLS_BASE,
} from './layout-constants.js';

/**
 * The slot index of a task id (ids are `generation << 16 | slot`).
 *
 * @param {number} id
 * @returns {number}
 */
export const slotOf = (id) => id & TASK_SLOT_MASK;

/**
 * Throws unless the wasm module was built from the same src/layout.rs as this
 * JS (a stale pkg/ next to newer sources would otherwise corrupt memory).
 *
 * @param {{ wp_layout_hash(): number }} wasm the module's raw exports
 */
export function checkLayout(wasm) {
  const built = wasm.wp_layout_hash() >>> 0;
  if (built !== LAYOUT_HASH >>> 0) {
    throw new Error(
      `wasmpool: the wasm module's memory layout (hash ${built}) differs from the JS layer's (${LAYOUT_HASH}); ` +
        'rebuild so pkg/ and src/js come from the same sources (npm run build)',
    );
  }
}

/**
 * Typed views of the shared wasm memory, rebuilt when it grows (any thread may
 * allocate), and accessors for the core's words in it.
 */
export class CoreView {
  /**
   * @param {WebAssembly.Memory} memory the pool's shared memory
   * @param {number} slotsPtr address of the pool's first slot (wp_slots_ptr)
   */
  constructor(memory, slotsPtr) {
    this._memory = memory;
    this._slotsPtr = slotsPtr;
    // Made by refresh(), just below.
    this.u8 = /** @type {Uint8Array} */ (/** @type {unknown} */ (null));
    this.u32 = /** @type {Uint32Array} */ (/** @type {unknown} */ (null));
    this.i32 = /** @type {Int32Array} */ (/** @type {unknown} */ (null));
    this.refresh();
  }

  /**
   * Rebuilds the views if the memory grew; returns this.
   *
   * @returns {this}
   */
  refresh() {
    const buffer = this._memory.buffer;
    if (this.u8 === null || this.u8.byteLength !== buffer.byteLength) {
      this.u8 = new Uint8Array(buffer);
      this.u32 = new Uint32Array(buffer);
      this.i32 = new Int32Array(buffer);
    }
    return this;
  }

  /**
   * Word index of payload word 0 of task `id`'s slot (protocol.js names the words).
   *
   * @param {number} id
   * @returns {number}
   */
  payload(id) {
    return (this._slotsPtr + slotOf(id) * SLOT_BYTES + SLOT_PAYLOAD) >>> 2;
  }

  /** @param {number} id */
  #stateWord(id) {
    return Atomics.load(this.i32, (this._slotsPtr + slotOf(id) * SLOT_BYTES + SLOT_STATE) >>> 2);
  }

  /**
   * The state of task `id` (STATE_*), or -1 once its slot holds another task.
   *
   * @param {number} id
   * @returns {number}
   */
  slotState(id) {
    const word = this.#stateWord(id);
    const current = ((word >>> GENERATION_SHIFT) & GENERATION_MASK) === id >>> TASK_GENERATION_SHIFT;
    return current ? word & STATE_MASK : -1;
  }

  /**
   * Whether a worker is running task `id` now.
   *
   * @param {number} id
   * @returns {boolean}
   */
  isRunning(id) {
    return id >= 0 && this.slotState(id) === STATE_RUNNING;
  }

  /**
   * The index of the worker that claimed task `id` (meaningful while it runs).
   *
   * @param {number} id
   * @returns {number}
   */
  claimingWorker(id) {
    return this.#stateWord(id) >>> WORKER_SHIFT;
  }
}

/**
 * Word index of one of the pool control block's words (POOL_* offsets).
 *
 * @param {number} poolPtr the control block's address
 * @param {number} offset a POOL_* offset
 * @returns {number}
 */
export const poolWord = (poolPtr, offset) => (poolPtr + offset) >>> 2;

/**
 * The completion event and main-waiting words of a pool (core invariant 6).
 *
 * @param {number} poolPtr the control block's address
 * @returns {{ event: number, mainWaiting: number }}
 */
export function completionWords(poolPtr) {
  return { event: poolWord(poolPtr, POOL_COMPLETION_EVENT), mainWaiting: poolWord(poolPtr, POOL_MAIN_WAITING) };
}

/**
 * Whether a worker record's occupant is still in wasm-bindgen's thread start
 * (core invariant 4): starting, and not yet registered its TLS, which
 * `wp_worker_start` stores first, before anything it allocates.
 *
 * @param {Uint32Array} u32 a view of the shared memory
 * @param {number} recordPtr the worker record's address
 * @returns {boolean}
 */
export function inThreadStart(u32, recordPtr) {
  return (
    Atomics.load(u32, (recordPtr + WORKER_STATUS) >>> 2) === STATUS_STARTING &&
    Atomics.load(u32, (recordPtr + WORKER_TLS_BASE) >>> 2) === 0
  );
}

/**
 * Takes what a worker thread allocated for itself out of its record (zeroing
 * it, so it is freed once): its stack and TLS, and its thread heap (core
 * invariant 10). `{ tls, stack, heap, heapBytes }`, 0 where none.
 *
 * @param {Uint32Array} u32 a view of the shared memory
 * @param {number} recordPtr the worker record's address
 * @returns {{ tls: number, stack: number, heap: number, heapBytes: number }}
 */
export function takeThreadMemory(u32, recordPtr) {
  /** @param {number} offset */
  const take = (offset) => Atomics.exchange(u32, (recordPtr + offset) >>> 2, 0);
  return {
    tls: take(WORKER_TLS_BASE),
    stack: take(WORKER_STACK_ALLOC),
    heap: take(WORKER_THREAD_HEAP),
    heapBytes: take(WORKER_THREAD_HEAP_BYTES),
  };
}
