// Running one claimed task: read its code and arguments from its slot, call
// it, write the result (or the error) back into shared memory and complete
// it in the core. Synchronous tasks never leave this path; only a thenable
// result costs a promise.

import { CloneError, decode, Encoder } from '../../common/codec/index.js';
import { slotOf } from '../../common/layout.js';
import { COMPLETED_MAIN_WAITING } from '../../common/layout-constants.js';
import { MSG } from '../../common/messages.js';
import {
  FLAG_ARGS_HEAP,
  FLAG_CHUNK,
  FLAG_NAMED,
  INLINE_BYTES,
  P,
  STATUS_ERROR,
  STATUS_OK,
  STATUS_PANIC,
} from '../../common/protocol.js';
import { RunningTask } from '../context.js';
import { explainClosure } from '../functions.js';

export const isThenable = (v) => v !== null && typeof v === 'object' && typeof v.then === 'function';

export class TaskRunner {
  /**
   * @param {object} env `{ wasm, memory, pool, index, view, inlineBase, refs, functions, context,
   *   fallbackWake, yieldToEventLoop }`
   */
  constructor(env) {
    // Tasks this worker finished (maxTasksPerChild).
    this.tasksDone = 0;
    // Rust code trapped: this instance is unusable and the page replaces the worker.
    this.trapped = false;
    // Async tasks started and not yet finished.
    this.running = new Set();
    this._env = env;
    this._encoder = new Encoder({ externalRef: env.refs.externalRef });
    this.panicBuffer = env.wasm.wp_panic_buffer();
  }

  /**
   * Runs task `id`. Returns null when it finished synchronously, or a promise
   * that settles once its (async) result has been written.
   */
  run(id) {
    const { view, functions, context } = this._env;
    const w = view.refresh().payload(id);
    const task = new RunningTask(id, w);
    const inline = !(view.u32[w + P.FLAGS] & FLAG_NAMED);
    const finish = (status, value) => {
      // Another task of this worker trapped (concurrency > 1): the page has
      // freed this thread's stack and settles this task as crashed, so no
      // wasm runs here any more (core invariant 10).
      if (this.trapped) return;
      this.running.delete(task);
      context.release(task);
      this.#writeResult(id, w, status, value, task.reports);
      this.tasksDone++;
    };
    const fail = (error) => {
      if (error instanceof WebAssembly.RuntimeError) return this.#trap(task, error);
      finish(STATUS_ERROR, inline ? explainClosure(error) : error);
    };
    const invoke = (fn, args) => {
      context.current = task;
      const chunk = view.u32[w + P.FLAGS] & FLAG_CHUNK;
      const value = chunk ? runChunk(fn, args[0], args[1], inline) : fn(...args);
      if (context.current === task) context.current = null;
      if (isThenable(value)) {
        context.current = task; // self.wasmpool.signal/progress refer to it while it awaits (concurrency 1)
        this.running.add(task);
        return Promise.resolve(value).then((v) => finish(STATUS_OK, v), fail);
      }
      finish(STATUS_OK, value);
      return null;
    };
    try {
      const fn = functions.lookup(view, w);
      const args = this.#decodeArgs(w);
      if (args instanceof Promise) return args.then((a) => invoke(fn, a)).catch(fail);
      return invoke(fn, args);
    } catch (error) {
      fail(error);
      return null;
    }
  }

  /** Whether the page asked a running task to stop: its worker may be terminated when the grace ends. */
  abortRequested() {
    if (this.running.size === 0) return false;
    const { i32 } = this._env.view.refresh();
    for (const task of this.running) if (Atomics.load(i32, task.w + P.ABORT) !== 0) return true;
    return false;
  }

  // Rust code trapped (a panic with panic=abort): report the panic, then
  // stop, so that the page replaces this worker.
  #trap(task, error) {
    this.trapped = true;
    const message = panicMessage(this._env.memory, this.panicBuffer, error);
    this.#writeResult(task.id, task.w, STATUS_PANIC, message, task.reports);
    self.postMessage({ type: MSG.PANICKED });
  }

  // Decodes a task's arguments. A SharedArrayBuffer the page registered a
  // moment ago arrives by message, delivered once the event loop runs: only
  // then does decoding need to wait (rare, so it is the async path).
  #decodeArgs(w) {
    const { view, refs, wasm, yieldToEventLoop } = this._env;
    const take = () => {
      const { u8, u32 } = view.refresh();
      const ptr = u32[w + P.ARGS_PTR];
      const len = u32[w + P.ARGS_LEN];
      const args = decode(u8.subarray(ptr, ptr + len), refs);
      if (u32[w + P.FLAGS] & FLAG_ARGS_HEAP) wasm.wp_free(ptr, len);
      return args;
    };
    const unknownBuffer = (e) => e instanceof CloneError && e.code === 'UNKNOWN_BUFFER';
    try {
      return take();
    } catch (error) {
      if (!unknownBuffer(error)) throw error;
    }
    return (async () => {
      for (let attempt = 0; ; attempt++) {
        await yieldToEventLoop();
        try {
          return take();
        } catch (error) {
          if (!unknownBuffer(error) || attempt > 200) throw error;
        }
      }
    })();
  }

  #writeResult(id, w, status, value, reports) {
    const { wasm, view, pool, index, inlineBase, fallbackWake } = this._env;
    const { bytes, sendable } = this._encoder.encodeResult(value);
    if (!sendable) status = STATUS_ERROR;
    let ptr = inlineBase + slotOf(id) * INLINE_BYTES;
    let heap = 0;
    if (bytes.length > INLINE_BYTES) {
      ptr = wasm.wp_alloc(bytes.length);
      heap = 1;
    }
    const { u8, u32 } = view.refresh();
    u8.set(bytes, ptr);
    u32[w + P.STATUS] = status;
    u32[w + P.RESULT_PTR] = ptr;
    u32[w + P.RESULT_LEN] = bytes.length;
    u32[w + P.RESULT_HEAP] = heap;
    u32[w + P.PROGRESS] = reports;
    if (wasm.wp_worker_complete(pool, index, id) === COMPLETED_MAIN_WAITING && fallbackWake) {
      self.postMessage({ type: MSG.WAKE });
    }
  }
}

// A map chunk: `[values, failures]` with failures `[[index, error], ...]` or
// null, so that an item's error surfaces at that item without wrapping every
// value. `flat`: items are single arguments, not argument lists. Synchronous
// unless an item returns a thenable.
export function runChunk(fn, items, flat, inline) {
  const values = new Array(items.length);
  let failures = null;
  for (let i = 0; i < items.length; i++) {
    let v;
    try {
      v = flat ? fn(items[i]) : fn(...items[i]);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) throw error;
      failures ??= [];
      failures.push([i, inline ? explainClosure(error) : error]);
      continue;
    }
    if (isThenable(v)) return finishChunkAsync(fn, items, flat, inline, values, failures, i, v);
    values[i] = v;
  }
  return [values, failures];
}

async function finishChunkAsync(fn, items, flat, inline, values, failures, i, pending) {
  for (; i < items.length; i++) {
    try {
      values[i] = await (pending ?? (flat ? fn(items[i]) : fn(...items[i])));
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) throw error;
      failures ??= [];
      failures.push([i, inline ? explainClosure(error) : error]);
    }
    pending = undefined;
  }
  return [values, failures];
}

// The panic hook wrote the message to this thread's buffer; read it from
// memory without calling into the trapped instance.
export function panicMessage(memory, address, trap) {
  const view = new DataView(memory.buffer);
  const len = view.getUint32(address, true);
  const bytes = new Uint8Array(memory.buffer).slice(address + 4, address + 4 + len);
  const message = len ? new TextDecoder().decode(bytes) : '';
  return message || `Rust code trapped: ${trap.message}`;
}
