// The main thread's wasm instance: loaded once per page, shared by every pool.
//
// The compiled WebAssembly.Module and the shared WebAssembly.Memory created
// here are what every worker instantiates, so all threads of all pools see
// one memory.

import init from '../../pkg/wasmpool.js';
import { NotIsolatedError } from './errors.js';

/** Stack size of each worker thread (a multiple of 64 KiB, as wasm-bindgen requires). */
export const THREAD_STACK_SIZE = 1 << 20;

let loading = null;

/** Throws NotIsolatedError unless shared memory is available on this page. */
export function assertIsolated() {
  if (globalThis.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function') {
    throw new NotIsolatedError();
  }
}

/**
 * Loads (once) and returns `{ wasm, module, memory, layout }`.
 * `wasm` is the raw export object: the hot paths call it directly.
 */
export function loadRuntime() {
  loading ??= (async () => {
    assertIsolated();
    const url = new URL('../../pkg/wasmpool_bg.wasm', import.meta.url);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`wasmpool: cannot fetch ${url} (${response.status} ${response.statusText})`);
    const module =
      typeof WebAssembly.compileStreaming === 'function' &&
      (response.headers.get('Content-Type') || '').startsWith('application/wasm')
        ? await WebAssembly.compileStreaming(response)
        : await WebAssembly.compile(await response.arrayBuffer());
    const wasm = await init({ module_or_path: module });
    const [
      slotBytes, slotState, slotWorker, slotPayload,
      completionEvent, mainWaiting, shutdown, workerEvent, workerBytes,
    ] = readLayout(wasm);
    return {
      wasm,
      module,
      memory: wasm.memory,
      layout: { slotBytes, slotState, slotWorker, slotPayload, completionEvent, mainWaiting, shutdown, workerEvent, workerBytes },
    };
  })();
  loading.catch(() => { loading = null; });
  return loading;
}

// wp_layout returns a Vec<u32>; read it through the glue's calling convention
// once (not a hot path).
function readLayout(wasm) {
  const [ptr, len] = wasm.wp_layout();
  const words = Array.from(new Uint32Array(wasm.memory.buffer, ptr, len));
  wasm.__wbindgen_free(ptr, len * 4, 4);
  return words;
}
