// The companion rayon pool for the demo's Rust tasks that use par_iter
// (wasmpool's `rayon` feature; wasm-bindgen-rayon's initThreadPool).
import { platform } from '../../../src/js/platform.js';
import { loadRuntime } from '../../../src/js/runtime.js';

let started = null;

/**
 * Starts `threads` rayon threads (Web Workers on the same shared memory) for
 * Rust tasks that use rayon. Once per page; later calls return the first.
 */
export function initRayon(threads = platform.cores() || 2) {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`initRayon: threads must be an integer >= 1, got ${String(threads)}`);
  if (started === null) {
    started = loadRuntime().then((rt) => rt.glue.initThreadPool(threads));
    // Node.js: its threads never hold the process, but their start must.
    const release = platform.holdProcess();
    started.then(release, release);
  }
  return started;
}
