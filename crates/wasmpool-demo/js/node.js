// wasmpool's JS API on the demo crate's wasm in Node.js (the tests' Node.js
// "pages", tests/drivers/node.mjs, load it for ./index.js): the package's
// Node.js runtime on this crate's wasm, glue and worker bundle. No rayon:
// wasm-bindgen-rayon starts its threads as Web Workers, which Node.js lacks.
import './node-self.js';
import { setNodeRuntime } from '../../../src/js/node/runtime.js';
import * as glue from '../pkg/wasmpool_demo.js';

setNodeRuntime({
  wasm: new URL('../pkg/wasmpool_demo_bg.wasm', import.meta.url),
  glue,
  workerEntry: new URL('./node-worker.js', import.meta.url),
  // The task registry lives in the shared memory: registered once, every
  // worker sees the tasks.
  init: (g) => g.register_demo_tasks(),
});

export * from '../../../src/js/api.js';
export function initRayon() {
  return Promise.reject(new Error("initRayon: wasm-bindgen-rayon's threads are Web Workers, which Node.js does not have"));
}
