// wasmpool's JS API on the demo crate's wasm (../pkg/, built by
// scripts/build.sh): the entry of the benchmarks and browser tests that call
// the demo's Rust tasks by name (`pool.submit('mandelbrot_into', …)`). The
// page side is src/js as published; only the runtime differs from the npm
// package's (src/js/package-runtime.js). Served as is, never bundled.
//
// One page has one runtime (the first one set wins): a page imports this
// entry or the package's (src/js/index.js), not both.

import { setRuntimeSource } from '../../../src/js/runtime.js';
import * as glue from '../pkg/wasmpool_demo.js';

const wasmUrl = new URL('../pkg/wasmpool_demo_bg.wasm', import.meta.url);
const spawnWorker = (name) => new Worker(new URL('../pkg/worker.js', import.meta.url), { type: 'module', name });

setRuntimeSource(async () => {
  const url = wasmUrl;
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`wasmpool demo: cannot fetch ${url} (${response.status}): run 'bash scripts/build.sh' first`);
  }
  const module = await WebAssembly.compileStreaming(response);
  const wasm = await glue.default({ module_or_path: module });
  // The task registry lives in the shared memory: registered once, every
  // worker sees the tasks.
  glue.register_demo_tasks();
  return {
    wasm,
    glue,
    module,
    // js/worker.js as one file (scripts/build.sh bundles it, as the package's
    // pkg/worker.js): a replacement worker starts as fast as the package's.
    spawnWorker,
  };
}, { spawnWorker, wasmUrl }); // the message transport: each worker loads its own instance

export * from '../../../src/js/api.js';
export { initRayon } from './rayon.js';
