// The runtime of the npm package: pkg/wasmpool_bg.wasm and the bundled worker
// pkg/worker.js. Both URLs are written as `new URL('…', import.meta.url)`
// literals, and the worker as `new Worker(new URL(…), { type: 'module' })`,
// the shapes Vite and webpack recognise: they emit the files and rewrite the
// URLs. Without a bundler the URLs resolve next to this file.

import initGlue, {
  wp_abandon,
  wp_begin_shutdown,
  wp_drain_queued,
  wp_free_thread_heap,
  wp_has_task,
  wp_occupy,
  wp_pool_address,
  wp_pool_free,
  wp_pool_new,
  wp_request_kill,
  wp_safe_to_terminate,
  wp_slots_ptr,
  wp_worker_ptr,
} from '../../pkg/wasmpool.js';
import { fetchWasm } from './common/fetch-wasm.js';
import { BrokenPoolError } from './errors.js';
import { blobSpawner } from './page/blob-spawn.js';
import { setRuntimeSource } from './runtime.js';

// The page's later workers start from a blob: copy of this script (page/blob-spawn.js).
const spawnWorker = blobSpawner(
  (/** @type {string} */ name) => new Worker(new URL('../../pkg/worker.js', import.meta.url), { type: 'module', name }),
);
const wasmUrl = new URL('../../pkg/wasmpool_bg.wasm', import.meta.url);

setRuntimeSource(
  async () => {
    const module = await fetchWasm(wasmUrl, (message, options) => new BrokenPoolError(message, options));
    const wasm = await initGlue({ module_or_path: module });
    return {
      wasm,
      // The glue functions the page calls: those that can fail (a stale or
      // forged pool handle is a TypeError: src/wasm/pools.rs), by name, not
      // the namespace, so that bundlers leave out the rest.
      glue: {
        wp_abandon,
        wp_begin_shutdown,
        wp_drain_queued,
        wp_free_thread_heap,
        wp_has_task,
        wp_occupy,
        wp_pool_address,
        wp_pool_free,
        wp_pool_new,
        wp_request_kill,
        wp_safe_to_terminate,
        wp_slots_ptr,
        wp_worker_ptr,
      },
      module,
      spawnWorker,
    };
  },
  { spawnWorker, wasmUrl },
);
