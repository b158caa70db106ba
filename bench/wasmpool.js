// The wasmpool entry of a bench page. bench.html runs on the npm package's
// entry (pkg/wasmpool_bg.wasm, the scheduler only: what users get);
// bench.html?demo on the same API over the demo crate's wasm
// (crates/wasmpool-demo), whose Rust tasks (Mandelbrot kernels, rayon) the
// workloads marked `demo` time. One page has one runtime.
export const DEMO_PAGE = new URLSearchParams(globalThis.location?.search).has('demo');
const wasmpool = await import(DEMO_PAGE ? '/crates/wasmpool-demo/js/index.js' : '/src/js/index.js');
export const { Pool, TaskOptions } = wasmpool;
/** The demo page's rayon pool (wasmpool's `rayon` feature is on in the demo crate only). */
export const initRayon = wasmpool.initRayon;
