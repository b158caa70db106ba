// The JS side of a pool created from Rust (`wasmpool::Pool::new`) in a crate
// that depends on wasmpool. scripts/build.sh bundles this file and everything
// it imports into src/js/bundled/embedded.js, the one wasm-bindgen snippet
// src/embedded.rs names, so wasm-bindgen copies it into that crate's output:
// no npm package is involved. The runtime is the crate's own wasm instance,
// already running on the page, and each worker imports the crate's own glue.
//
// The same file is the worker script: started with `?wasmpool-worker` it
// serves as a pool thread. (The crate's glue imports it too, without the
// query, as a different module instance that stays passive.)

import { Pool } from './page/pool.js';
import { setRuntimeSource } from './runtime.js';
import { serveWorker } from './worker/boot.js';

const WORKER_QUERY = 'wasmpool-worker';

if (typeof WorkerGlobalScope !== 'undefined' && new URL(import.meta.url).searchParams.has(WORKER_QUERY)) {
  // A crate's pool sends its glue's URL in the InitMessage.
  serveWorker(
    (/** @type {{ glueUrl: string }} */ init) => import(/* webpackIgnore: true */ /* @vite-ignore */ init.glueUrl),
  );
}

/**
 * A Pool on the calling crate's wasm instance. `glueUrl` is the URL of the
 * crate's wasm-bindgen glue (its `import.meta.url`), `module` and `wasm` the
 * compiled module and the instance's raw exports.
 *
 * @param {import('./index.js').PoolOptions | undefined} options
 * @param {string} glueUrl
 * @param {WebAssembly.Module} module
 * @param {import('./runtime.js').WasmExports} wasm
 * @returns {Pool}
 */
export function createEmbeddedPool(options, glueUrl, module, wasm) {
  setRuntimeSource(async () => ({
    wasm,
    module,
    glueUrl,
    glue: await import(/* webpackIgnore: true */ /* @vite-ignore */ glueUrl),
    spawnWorker: (name) => {
      const script = new URL(import.meta.url);
      script.searchParams.set(WORKER_QUERY, '');
      return new Worker(script, { type: 'module', name });
    },
  }));
  return new Pool(options ?? {});
}
