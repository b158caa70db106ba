// The npm package's pool thread. The build bundles this file, the worker core
// and the package's wasm-bindgen glue into one file (pkg/worker.js): a module
// worker fetches its whole import graph before it runs, and one file starts
// ~30 ms sooner than seven.
import * as glue from '../../pkg/wasmpool.js';
import { serveWorker } from './worker/boot.js';

// A rayon thread (initRayon) is this same worker, told so by its first message.
self.addEventListener(
  'message',
  (event) => {
    const data = event.data;
    if (data?.type !== 'wasm_bindgen_worker_init') return;
    event.stopImmediatePropagation();
    self.onmessage = null;
    glue.initSync({ module: data.module, memory: data.memory });
    self.postMessage({ type: 'wasm_bindgen_worker_ready' });
    glue.wbg_rayon_start_worker(data.receiver);
  },
  { once: true },
);
serveWorker(() => glue);
