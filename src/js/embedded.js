// The JS side of a pool created from Rust (`wasmpool::Pool::new`) in a crate
// that depends on wasmpool. wasm-bindgen copies this file and the modules it
// imports into that crate's output as snippets (src/embedded.rs names them),
// so no npm package is involved: the runtime is the crate's own wasm instance,
// already running on the page, and workers import the crate's own glue.

import { Pool } from './pool.js';
import { setRuntimeSource } from './runtime.js';

/**
 * A Pool on the calling crate's wasm instance. `glueUrl` is the URL of the
 * crate's wasm-bindgen glue (its `import.meta.url`), `module` and `wasm` the
 * compiled module and the instance's raw exports.
 */
export function createEmbeddedPool(options, glueUrl, module, wasm) {
  setRuntimeSource(async () => ({
    wasm,
    module,
    glueUrl,
    glue: await import(/* webpackIgnore: true */ /* @vite-ignore */ glueUrl),
    spawnWorker: (name) =>
      new Worker(new URL('./embedded-worker.js?wasmpool-worker', import.meta.url), { type: 'module', name }),
  }));
  return new Pool(options ?? {});
}
