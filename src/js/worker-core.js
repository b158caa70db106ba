// The worker side of a wasmpool pool: one module Web Worker = one pool thread.
//
// It instantiates the page's compiled module on the page's shared memory, then
// loops: claim a task from the shared injector (blocking in wasm on an atomic
// while idle), run it, write the result into shared memory, complete it. No
// message crosses per task; postMessage is used only at start-up and exit.
//
// Two entries use it: worker.js (the npm package's worker, bundled with the
// package's wasm-bindgen glue) and embedded-worker.js (a Rust crate's pool,
// which imports that crate's glue by URL).

import { Encoder, decode, CloneError } from './shared/codec/index.js';
import { SharedRefs } from './shared.js';
import {
  P, FLAG_ARGS_HEAP, FLAG_NAMED, FLAG_CHUNK, INLINE_BYTES, STATUS_OK, STATUS_ERROR, STATUS_PANIC, NEXT_KILLED, NEXT_EMPTY,
} from './protocol.js';

/**
 * Serves as a pool thread: waits for the page's start-up message, gets the
 * wasm-bindgen glue with `loadGlue(init)`, then runs tasks until told to exit.
 */
export function serveWorker(loadGlue) {
  self.onmessage = (event) => {
    self.onmessage = null;
    const init = event.data;
    Promise.resolve(init)
      .then(loadGlue)
      .then((glue) => start(init, glue))
      .catch((error) => {
        // Only start-up failures land here; task errors are results.
        self.postMessage({ type: 'error', message: String(error && error.message || error), stack: error && error.stack });
      });
  };
}

async function start(init, glue) {
  const { module, memory, pool, index, uid, layout, stackSize, slotsPtr, inlineBase, modules, fallbackWake } = init;
  // Hold a Web Lock for life: the page's request for it is granted only when
  // this worker is gone, which is how the page notices a silent death.
  if (init.lockName && self.navigator && navigator.locks) {
    await new Promise((held) => {
      navigator.locks.request(init.lockName, () => {
        held();
        return new Promise(() => {});
      });
    });
  }
  const wasm = glue.initSync({ module, memory, thread_stack_size: stackSize });
  wasm.wp_worker_start(pool, index, wasm.__tls_base.value, wasm.__stack_alloc.value);

  // Task modules are imported before the first task (Python's "importable").
  const named = new Map();
  for (const url of modules) {
    let namespace;
    try {
      namespace = await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
    } catch (error) {
      throw new Error(`cannot load task module ${url}: ${error && error.message || error}`);
    }
    for (const [name, value] of Object.entries(namespace)) if (typeof value === 'function') named.set(name, value);
  }
  // What a task can see of its worker: ids, and its own abort signal.
  let current = null; // { w, controller } of the running task
  self.wasmpool = Object.freeze({
    workerId: uid,
    workerIndex: index,
    /** The running task's AbortSignal (fires when the page aborts it; async tasks see it fire). */
    get signal() {
      if (current === null) return undefined;
      if (current.controller === null) watchAbort(current);
      return current.controller.signal;
    },
    /** Whether the page asked the running task to stop (for synchronous loops). */
    get aborted() {
      return current !== null && Atomics.load(i32, current.w + P.ABORT) !== 0;
    },
    /** Reports progress of the running task; the page sees it on its Future. */
    progress(value) {
      if (current === null) return;
      self.postMessage({ type: 'progress', slot: current.id & 0xffff, id: current.id, value });
    },
    /** Throws an AbortError if the page asked the running task to stop. */
    checkAborted() {
      if (this.aborted) throw new DOMException('the task was aborted', 'AbortError');
    },
  });
  const watchAbort = (task) => {
    task.controller = new AbortController();
    const wake = Atomics.waitAsync(i32, task.w + P.ABORT, 0);
    (wake.async ? wake.value : Promise.resolve()).then(() => {
      if (current === task && Atomics.load(i32, task.w + P.ABORT) !== 0) {
        task.controller.abort(new DOMException('the task was aborted', 'AbortError'));
      }
    });
  };
  if (init.initializer) {
    const fn = init.initializer.named ? named.get(init.initializer.code) : compile(init.initializer.code);
    if (typeof fn !== 'function') throw new Error(`initializer: no task named "${init.initializer.code}"`);
    try {
      const r = fn(...init.initargs);
      if (isThenable(r)) await r;
    } catch (error) {
      throw new Error(`the initializer failed: ${error && error.name ? error.name + ': ' : ''}${error && error.message || error}`);
    }
  }

  let u8 = new Uint8Array(memory.buffer);
  let u32 = new Uint32Array(memory.buffer);
  let i32 = new Int32Array(memory.buffer);
  // Shared memory can grow under us (any thread may allocate); views are
  // rebuilt when the buffer got longer.
  const refresh = () => {
    if (u8.byteLength !== memory.buffer.byteLength) {
      u8 = new Uint8Array(memory.buffer);
      u32 = new Uint32Array(memory.buffer);
      i32 = new Int32Array(memory.buffer);
    }
  };
  const refs = new SharedRefs(memory);
  for (const [id, buffer] of init.sharedBuffers || []) refs.add(id, buffer);
  self.onmessage = ({ data }) => {
    if (data && data.type === 'sab') refs.add(data.id, data.buffer);
  };
  const encoder = new Encoder({ externalRef: refs.externalRef });
  const panicBuffer = wasm.wp_panic_buffer();
  const functions = new Map();
  const utf8 = new TextDecoder();

  const lookup = (w) => {
    const id = u32[w + P.FN];
    let fn = functions.get(id);
    if (fn === undefined) {
      const ptr = u32[w + P.CODE_PTR];
      // TextDecoder refuses views on shared memory: decode a private copy.
      const code = utf8.decode(u8.slice(ptr, ptr + u32[w + P.CODE_LEN]));
      fn = u32[w + P.FLAGS] & FLAG_NAMED ? named.get(code) ?? rustTask(glue, code) : compile(code);
      if (typeof fn !== 'function') {
        throw new TypeError(`no task named "${code}": the task modules export ${[...named.keys()].map((n) => `"${n}"`).join(', ') || 'no functions'}, and no Rust task has that name`);
      }
      functions.set(id, fn);
    }
    return fn;
  };

  const writeResult = (id, w, status, value) => {
    let bytes;
    try {
      bytes = encoder.encode(value, 'result');
    } catch (error) {
      status = STATUS_ERROR;
      bytes = encoder.encode(error, 'result');
    }
    refresh();
    let ptr = inlineBase + (id & 0xffff) * INLINE_BYTES;
    let heap = 0;
    if (bytes.length > INLINE_BYTES) {
      ptr = wasm.wp_alloc(bytes.length);
      heap = 1;
      refresh();
    }
    u8.set(bytes, ptr);
    u32[w + P.STATUS] = status;
    u32[w + P.RESULT_PTR] = ptr;
    u32[w + P.RESULT_LEN] = bytes.length;
    u32[w + P.RESULT_HEAP] = heap;
    if (wasm.wp_worker_complete(pool, index, id) === 2 && fallbackWake) self.postMessage({ type: 'wake' });
  };

  self.postMessage({ type: 'ready' });

  // maxTasksPerChild: after that many tasks this worker retires and the page
  // starts a fresh one in its place.
  const maxTasks = init.maxTasksPerChild || Infinity;
  let tasksDone = 0;
  let retired = false;
  // Decodes a task's arguments. A SharedArrayBuffer the page registered a
  // moment ago arrives by message, delivered once the event loop runs: only
  // then does decoding need to wait (rare, so it is the async path).
  const decodeArgs = (w) => {
    const ptr = u32[w + P.ARGS_PTR];
    const len = u32[w + P.ARGS_LEN];
    const take = () => {
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
  };

  // Runs one claimed task. Returns null when it finished synchronously, or a
  // promise that settles once its (async) result has been written.
  let trapped = false;
  const runTask = (id) => {
    refresh();
    const w = (slotsPtr + (id & 0xffff) * layout.slotBytes + layout.slotPayload) >>> 2;
    const task = { w, id, controller: null };
    let inline = false;
    const finish = (status, value) => {
      if (task.controller !== null) Atomics.notify(i32, w + P.ABORT); // ends its abort watcher
      if (current === task) current = null;
      writeResult(id, w, status, value);
      tasksDone++;
    };
    const fail = (error) => {
      if (error instanceof WebAssembly.RuntimeError) {
        // Rust code trapped (a panic with panic=abort). This instance is now
        // unusable: report the panic, then stop so the page replaces us.
        trapped = true;
        writeResult(id, w, STATUS_PANIC, panicMessage(memory, panicBuffer, error));
        self.postMessage({ type: 'panicked' });
        return;
      }
      finish(STATUS_ERROR, inline ? explainClosure(error) : error);
    };
    const invoke = (fn, args) => {
      current = task;
      const value = u32[w + P.FLAGS] & FLAG_CHUNK ? runChunk(fn, args[0], args[1], inline) : fn(...args);
      if (current === task) current = null;
      // Only thenables cost a promise: synchronous tasks never leave the loop.
      if (isThenable(value)) {
        current = task; // self.wasmpool.signal/progress refer to it while it awaits (concurrency 1)
        return Promise.resolve(value).then((v) => finish(STATUS_OK, v), fail);
      }
      finish(STATUS_OK, value);
      return null;
    };
    try {
      const fn = lookup(w);
      inline = !(u32[w + P.FLAGS] & FLAG_NAMED);
      const args = decodeArgs(w);
      if (args instanceof Promise) return args.then((a) => invoke(fn, a)).catch(fail);
      return invoke(fn, args);
    } catch (error) {
      fail(error);
      return null;
    }
  };

  // `concurrency` async tasks may be in flight at once in this worker; while
  // any is, the worker claims without blocking so their continuations run.
  const concurrency = init.concurrency || 1;
  const inFlight = new Set();
  const oneFinishes = () => Promise.race(inFlight);
  for (;;) {
    if (trapped) return parkForever();
    if (tasksDone + inFlight.size >= maxTasks) {
      if (inFlight.size > 0) {
        await oneFinishes();
        continue;
      }
      retired = true;
      break;
    }
    let id;
    if (inFlight.size === 0) id = wasm.wp_worker_next(pool, index, IDLE_SLICE_MS);
    else if (inFlight.size < concurrency) id = wasm.wp_worker_try_next(pool, index);
    else {
      await oneFinishes();
      continue;
    }
    if (id < 0) {
      if (id === NEXT_EMPTY) {
        // Idle (or waiting on async tasks): let the event loop run, its tasks'
        // timers and handlers too, then look again.
        if (inFlight.size > 0) await Promise.race([oneFinishes(), new Promise((r) => setTimeout(r, 1))]);
        else await yieldToEventLoop();
        continue;
      }
      if (id === NEXT_KILLED) return parkForever(); // the page terminates us
      await Promise.all(inFlight); // exiting: finish what runs first
      break;
    }
    const pending = runTask(id);
    if (pending === null) continue;
    if (concurrency === 1) {
      await pending;
    } else {
      inFlight.add(pending);
      pending.then(() => inFlight.delete(pending));
    }
  }

  // No wasm runs after this: the page frees this thread's stack and TLS.
  wasm.wp_worker_exit(pool, index);
  self.postMessage({ type: 'exited', retired });
  self.close();
}

// How long an idle worker blocks in wasm before letting its event loop run.
const IDLE_SLICE_MS = 10;

// A macrotask turn (setTimeout(0) would be clamped to 4 ms when nested).
const yieldChannel = new MessageChannel();
const yieldQueue = [];
yieldChannel.port1.onmessage = () => yieldQueue.shift()?.();
function yieldToEventLoop() {
  return new Promise((resolve) => {
    yieldQueue.push(resolve);
    yieldChannel.port2.postMessage(0);
  });
}

const isThenable = (v) => v !== null && typeof v === 'object' && typeof v.then === 'function';

// A map chunk: `[values, failures]` with failures `[[index, error], ...]` or
// null, so that an item's error surfaces at that item without wrapping every
// value. `flat`: items are single arguments, not argument lists. Synchronous
// unless an item returns a thenable.
function runChunk(fn, items, flat, inline) {
  const values = new Array(items.length);
  let failures = null;
  for (let i = 0; i < items.length; i++) {
    let v;
    try {
      v = flat ? fn(items[i]) : fn(...items[i]);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) throw error;
      (failures ??= []).push([i, inline ? explainClosure(error) : error]);
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
      (failures ??= []).push([i, inline ? explainClosure(error) : error]);
    }
    pending = undefined;
  }
  return [values, failures];
}

// Inline functions are compiled from their source, once per worker.
function compile(source) {
  try {
    return (0, eval)(`(${source})\n//# sourceURL=wasmpool-task.js`);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  // Method shorthand (`name(a) { ... }`) is not an expression on its own.
  try {
    const holder = (0, eval)(`({${source}})`);
    const fn = Object.values(holder)[0];
    if (typeof fn === 'function') return fn;
  } catch {
    // fall through
  }
  throw new TypeError(
    `cannot compile the task function in a worker: ${source.length > 80 ? source.slice(0, 77) + '...' : source}. ` +
      'Built-in and bound functions cannot be sent; use a function expression or a task module.',
  );
}

// A closure over page variables fails in the worker with a bare
// ReferenceError; say why and what to do instead.
function explainClosure(error) {
  if (error instanceof ReferenceError && / is not defined$/.test(error.message)) {
    error.message +=
      ' (task functions run in a worker and cannot use variables from the page: pass the value as an argument, ' +
      'e.g. pool.submit((x, y) => ..., x, y), or put the code in a task module)';
  }
  return error;
}

// Rust tasks are called through wasm-bindgen's glue (it converts the
// arguments); a trap in them is a panic.
function rustTask(glue, name) {
  if (!glue.wp_has_task(name)) return undefined;
  return (...args) => glue.wp_run_task(name, args);
}

// The panic hook wrote the message to this thread's buffer; read it from
// memory without calling into the trapped instance.
function panicMessage(memory, address, trap) {
  const view = new DataView(memory.buffer);
  const len = view.getUint32(address, true);
  const message = len ? new TextDecoder().decode(new Uint8Array(memory.buffer).slice(address + 4, address + 4 + len)) : '';
  return message || `Rust code trapped: ${trap.message}`;
}

function parkForever() {
  return new Promise(() => {});
}
