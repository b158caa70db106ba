// The shared transport's TaskIO (task-core.js): a claimed task's code and
// arguments are read from its slot in the pool's shared memory, its result is
// written back there and completed in the core (wp_worker_complete), and the
// page aborts it by setting the slot's abort word.

import { CloneError, decode, Encoder } from '../../common/codec/index.js';
import { slotOf } from '../../common/layout.js';
import { COMPLETED_MAIN_WAITING } from '../../common/layout-constants.js';
import { MSG } from '../../common/messages.js';
import { FLAG_ARGS_HEAP, FLAG_NAMED, INLINE_BYTES, P, STATUS_ERROR, STATUS_PANIC } from '../../common/protocol.js';
import { yieldToEventLoop } from '../event-loop.js';
import { panicMessage } from '../functions.js';

/** A claimed task (a CoreTask of task-core.js). */
export class SlotTask {
  /**
   * @param {number} id
   * @param {number} w word index of its payload word 0
   * @param {number} code its code id (P.FN)
   * @param {number} flags FLAG_* (P.FLAGS)
   */
  constructor(id, w, code, flags) {
    /** @type {AbortController | null} */
    this.controller = null;
    this.reports = 0; // progress reports posted (P.PROGRESS)
    this.id = id;
    this.w = w;
    this.code = code;
    this.flags = flags;
  }
}

/**
 * What the slot I/O works with.
 * @typedef {object} SlotEnv
 * @property {any} wasm the instance's exports (wp_* functions)
 * @property {WebAssembly.Memory} memory the pool's shared memory
 * @property {number} pool the pool's handle, for the wp_* exports
 * @property {number} index this worker's index in the pool
 * @property {import('../../common/layout.js').CoreView} view
 * @property {import('../../common/refs.js').SharedRefs} refs
 * @property {import('../functions.js').TaskFunctions} functions
 * @property {number} inlineBase address of the slots' inline argument/result areas
 * @property {boolean} fallbackWake post MSG.WAKE on completions the page waits for
 */

/** @typedef {import('../task-core.js').TaskIO<SlotTask>} TaskIO */

/** @implements {TaskIO} */
export class SlotIO {
  /** @param {SlotEnv} env */
  constructor(env) {
    this._env = env;
    this._view = env.view;
    this._encoder = new Encoder({ externalRef: env.refs.externalRef });
    this._utf8 = new TextDecoder();
    this._panicBuffer = env.wasm.wp_panic_buffer();
    // Rust code trapped: the page frees this thread's stack and settles the
    // tasks it still runs as crashed, so no wasm runs here any more (core invariant 10).
    this._trapped = false;
  }

  /** @param {number} id a task id the core handed this worker */
  task(id) {
    const { u32 } = this._view.refresh();
    const w = this._view.payload(id);
    return new SlotTask(id, w, u32[w + P.FN], u32[w + P.FLAGS]);
  }

  /** @param {SlotTask} task */
  fn(task) {
    const { functions } = this._env;
    const fn = functions.get(task.code);
    if (fn !== undefined) return fn;
    const { u8, u32 } = this._view;
    const ptr = u32[task.w + P.CODE_PTR];
    // TextDecoder refuses views on shared memory: decode a private copy.
    functions.add(
      task.code,
      this._utf8.decode(u8.slice(ptr, ptr + u32[task.w + P.CODE_LEN])),
      !!(task.flags & FLAG_NAMED),
    );
    return /** @type {import('../functions.js').TaskFunction} */ (functions.get(task.code));
  }

  /**
   * The task's arguments. A SharedArrayBuffer the page registered a moment
   * ago arrives by message, delivered once the event loop runs: only then
   * does decoding need to wait (rare, so it is the async path).
   * @param {SlotTask} task
   * @returns {unknown[] | Promise<unknown[]>}
   */
  args(task) {
    try {
      return this.#decodeArgs(task.w);
    } catch (error) {
      if (!unknownBuffer(error)) throw error;
    }
    return (async () => {
      for (let attempt = 0; ; attempt++) {
        await yieldToEventLoop();
        try {
          return this.#decodeArgs(task.w);
        } catch (error) {
          if (!unknownBuffer(error) || attempt > 200) throw error;
        }
      }
    })();
  }

  /** @param {SlotTask} task @param {number} status @param {unknown} value */
  result(task, status, value) {
    if (this._trapped) return;
    // Ends the task's abort watcher, if it had one.
    if (task.controller !== null) Atomics.notify(this._view.i32, task.w + P.ABORT);
    this.#write(task, status, value);
  }

  /** @param {SlotTask} task @param {Error} error */
  panic(task, error) {
    this._trapped = true;
    this.#write(task, STATUS_PANIC, panicMessage(this._env.memory, this._panicBuffer, error));
  }

  /** @param {SlotTask} task @param {unknown} value */
  progress(task, value) {
    task.reports++;
    self.postMessage({ type: MSG.PROGRESS, id: task.id, value });
  }

  /** @param {SlotTask} task */
  aborted(task) {
    return Atomics.load(this._view.refresh().i32, task.w + P.ABORT) !== 0;
  }

  /**
   * The page stores 1 in the abort word and notifies it; an async wait on
   * the word turns that into `fire()`.
   * @param {SlotTask} task @param {() => void} fire
   */
  watchAbort(task, fire) {
    const wake = Atomics.waitAsync(this._view.i32, task.w + P.ABORT, 0);
    (wake.async ? wake.value : Promise.resolve()).then(() => {
      if (this.aborted(task)) fire();
    });
  }

  /** @param {number} w */
  #decodeArgs(w) {
    const { u8, u32 } = this._view.refresh();
    const ptr = u32[w + P.ARGS_PTR];
    const len = u32[w + P.ARGS_LEN];
    const args = /** @type {unknown[]} */ (decode(u8.subarray(ptr, ptr + len), this._env.refs));
    if (u32[w + P.FLAGS] & FLAG_ARGS_HEAP) this._env.wasm.wp_free(ptr, len);
    return args;
  }

  /** @param {SlotTask} task @param {number} status @param {unknown} value */
  #write(task, status, value) {
    const { wasm, pool, index, inlineBase, fallbackWake } = this._env;
    const { id, w } = task;
    const { bytes, sendable } = this._encoder.encodeResult(value);
    if (!sendable) status = STATUS_ERROR;
    let ptr = inlineBase + slotOf(id) * INLINE_BYTES;
    let heap = 0;
    if (bytes.length > INLINE_BYTES) {
      ptr = wasm.wp_alloc(bytes.length);
      heap = 1;
    }
    const { u8, u32 } = this._view.refresh();
    u8.set(bytes, ptr);
    u32[w + P.STATUS] = status;
    u32[w + P.RESULT_PTR] = ptr;
    u32[w + P.RESULT_LEN] = bytes.length;
    u32[w + P.RESULT_HEAP] = heap;
    u32[w + P.PROGRESS] = task.reports;
    if (wasm.wp_worker_complete(pool, index, id) === COMPLETED_MAIN_WAITING && fallbackWake) {
      self.postMessage({ type: MSG.WAKE });
    }
  }
}

/** @param {unknown} error */
const unknownBuffer = (error) => error instanceof CloneError && error.code === 'UNKNOWN_BUFFER';
