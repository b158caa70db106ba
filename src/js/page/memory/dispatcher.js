// The way in: every task is written into a free slot of shared memory and
// published on the core's injector ring (core README, "A task's life"), or
// waits in a page-side backlog while every slot is taken (or the runtime is
// still loading). The dispatcher also keeps the table of tasks in slots,
// which completions.js empties as results arrive.

import { Encoder } from '../../common/codec/index.js';
import { slotOf } from '../../common/layout.js';
import { FLAG_ARGS_HEAP, FLAG_NAMED, INLINE_BYTES, P } from '../../common/protocol.js';

/**
 * A task on the shared-memory transport: the engine's record and its slot.
 * @typedef {import('../engine.js').TaskRecord & SlotFields} SlotTask
 * @typedef {object} SlotFields
 * @property {Uint8Array|null} bytes encoded arguments while in the backlog
 * @property {number} id task id once in a slot, else -1
 * @property {number} argsHeap address of heap-allocated arguments, else 0
 * @property {number} argsLen
 * @property {number} reports progress reports delivered (completions.js)
 */

/**
 * What the dispatcher writes to, once the runtime is loaded.
 * @typedef {object} SlotCore
 * @property {import('../../runtime.js').WasmExports} wasm
 * @property {number} ptr the pool's handle
 * @property {import('../../common/layout.js').CoreView} view
 * @property {number} inlineBase address of the slots' inline argument areas
 */

export class Dispatcher {
  /** @type {import('../task-codes.js').TaskCodes} */
  #codes;
  /** @type {Encoder | null} */
  #encoder = null;
  /** @type {SlotCore | null} once the runtime is loaded */
  #core = null;
  /** @type {SlotTask[]} */
  #backlog = [];
  #flushing = false;
  /** @type {Array<SlotTask|undefined>} slot index -> task */
  #tasks = [];
  #inSlots = 0;
  /** @type {() => void} */
  #onPublish;

  /**
   * @param {import('../task-codes.js').TaskCodes} codes
   * @param {() => void} onPublish a task entered the core (start the completion pump)
   */
  constructor(codes, onPublish) {
    this.#codes = codes;
    this.#onPublish = onPublish;
  }

  /**
   * The runtime is loaded: slots can be filled (the backlog is flushed).
   * @param {SlotCore & { externalRef: import('../../common/refs.js').SharedRefs['externalRef'] }} core
   */
  attach({ wasm, ptr, view, inlineBase, externalRef }) {
    this.#core = { wasm, ptr, view, inlineBase };
    this.#encoder = new Encoder({ externalRef });
    this.flushBacklog();
  }

  /**
   * Encodes a task's arguments now, at the call (a value that cannot be sent
   * is an error there). Before the runtime is loaded there is no wasm memory
   * to refer to, so the encoder has no by-reference hook yet.
   * @param {unknown} value
   * @param {string} root the value's name in errors
   * @returns {Uint8Array}
   */
  encode(value, root) {
    this.#encoder ??= new Encoder();
    return this.#encoder.encode(value, root);
  }

  /**
   * A new task: in a slot if one is free, else in the backlog.
   * @param {SlotTask} task
   * @param {Uint8Array} bytes
   */
  place(task, bytes) {
    Object.assign(task, { bytes: null, id: -1, argsHeap: 0, argsLen: 0, reports: 0 });
    if (this.#core === null || this.#backlog.length > 0 || !this.#dispatch(task, bytes)) {
      task.bytes = bytes.slice(); // the encoder reuses its buffer
      this.#backlog.push(task);
    }
  }

  /** Whether a worker runs task `task` now. @param {SlotTask} task */
  isRunning(task) {
    return this.#core !== null && this.#core.view.isRunning(task.id);
  }

  // Writes the task into a free slot and publishes it. False if none is free.
  /**
   * @param {SlotTask} task
   * @param {Uint8Array} bytes
   * @returns {boolean}
   */
  #dispatch(task, bytes) {
    const { wasm, ptr, view, inlineBase } = /** @type {SlotCore} */ (this.#core); // called once attached
    try {
      task.code = this.#codes.resolve(task.code); // submitted while the task modules loaded
    } catch (error) {
      task.future._reject(error);
      return true;
    }
    const id = wasm.wp_reserve(ptr);
    if (id < 0) return false;
    const { code } = task;
    if (code.ptr === 0) this.#codes.store(code, wasm, view);
    let argsPtr = inlineBase + slotOf(id) * INLINE_BYTES;
    let flags = task.flags | (code.named ? FLAG_NAMED : 0);
    if (bytes.length > INLINE_BYTES) {
      argsPtr = wasm.wp_alloc(bytes.length);
      flags |= FLAG_ARGS_HEAP;
      task.argsHeap = argsPtr;
      task.argsLen = bytes.length;
    }
    const { u8, u32 } = view.refresh();
    u8.set(bytes, argsPtr);
    const w = view.payload(id);
    u32[w + P.FN] = code.id;
    u32[w + P.CODE_PTR] = code.ptr;
    u32[w + P.CODE_LEN] = code.len;
    u32[w + P.ARGS_PTR] = argsPtr;
    u32[w + P.ARGS_LEN] = bytes.length;
    u32[w + P.FLAGS] = flags;
    u32[w + P.ABORT] = 0;
    task.id = id;
    task.bytes = null;
    this.#tasks[slotOf(id)] = task;
    this.#inSlots++;
    wasm.wp_publish(ptr, id);
    this.#onPublish();
    return true;
  }

  /**
   * Moves backlog tasks into free slots, in order. Not re-entered: a publish
   * can start the completion pump, which drains at once and flushes again
   * (it would dispatch the tasks this loop is about to, a second time).
   */
  flushBacklog() {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      // Dispatch from the front; one splice at the end (shift() per task
      // would make a 100,000-task burst quadratic).
      const backlog = this.#backlog;
      let i = 0;
      // (A task in the backlog holds its bytes.)
      while (i < backlog.length && this.#dispatch(backlog[i], /** @type {Uint8Array} */ (backlog[i].bytes))) i++;
      if (i > 0) backlog.splice(0, i);
    } finally {
      this.#flushing = false;
    }
  }

  /** Out of the backlog, or a CAS QUEUED → CANCELLED in the core. @param {SlotTask} task */
  withdraw(task) {
    if (task.id < 0) {
      const i = this.#backlog.indexOf(task);
      if (i < 0) return false;
      this.#backlog.splice(i, 1);
      return true;
    }
    const core = this.#core;
    if (core === null || !core.wasm.wp_cancel(core.ptr, task.id)) return false;
    // The worker that pops the stale id releases the slot (core invariant 2);
    // the arguments are never read, so they are freed here.
    if (task.argsHeap) core.wasm.wp_free(task.argsHeap, task.argsLen);
    this.#take(slotOf(task.id));
    return true;
  }

  /**
   * The task in task `id`'s slot, if that slot still holds task `id`.
   * @param {number} id
   */
  inSlot(id) {
    const task = this.#tasks[slotOf(id)];
    return task?.id === id ? task : undefined;
  }

  /**
   * A slot's task leaves the table (its result was read, or it was cancelled).
   * @param {number} id
   */
  finish(id) {
    return this.#take(slotOf(id));
  }

  /** @param {number} slot */
  #take(slot) {
    const task = this.#tasks[slot];
    this.#tasks[slot] = undefined;
    this.#inSlots--;
    return task;
  }

  /** Tasks in slots (published and not yet settled). */
  get inSlots() {
    return this.#inSlots;
  }

  /** Tasks submitted and not yet claimed by a worker (maxQueueSize). */
  waiting() {
    const core = this.#core;
    return this.#backlog.length + (core ? core.wasm.wp_queued(core.ptr) : 0);
  }

  /** Whether any submitted task has not settled. */
  busy() {
    return this.#inSlots > 0 || this.#backlog.length > 0;
  }

  /** What busy() counts, in words (for the trace). */
  describeBusy() {
    return `${this.#inSlots} task(s) in slots, ${this.#backlog.length} in the backlog`;
  }

  /** Cancels every task not yet claimed (shutdown({ cancelFutures })). */
  cancelPending() {
    for (const task of [...this.#backlog]) task.future.cancel();
    for (const task of this.#tasks) task?.future.cancel();
  }

  /**
   * Rejects every unsettled future with `error` (terminate, a broken pool).
   * @param {unknown} error
   */
  rejectAll(error) {
    for (const task of this.#backlog.splice(0)) task.future._reject(error);
    for (const task of this.#tasks) task?.future._reject(error);
  }

  /** After shutdown: forgets every slot (their futures were settled). */
  clear() {
    this.#tasks = [];
    this.#inSlots = 0;
  }
}
