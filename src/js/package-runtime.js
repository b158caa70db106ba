// The runtime of the npm package: pkg/wasmpool_bg.wasm and the bundled worker
// pkg/worker.js. Both URLs are written as `new URL('…', import.meta.url)`
// literals, and the worker as `new Worker(new URL(…), { type: 'module' })`,
// the shapes Vite and webpack recognise: they emit the files and rewrite the
// URLs. Without a bundler the URLs resolve next to this file.

import * as glue from '../../pkg/wasmpool.js';
import { setRayonSpawner } from './rayon-spawn.js';
import { setRuntimeSource } from './runtime.js';

const spawnWorker = (name) => new Worker(new URL('../../pkg/worker.js', import.meta.url), { type: 'module', name });
const wasmUrl = new URL('../../pkg/wasmpool_bg.wasm', import.meta.url);
setRayonSpawner(() => spawnWorker('wasmpool-rayon'));

setRuntimeSource(
  async () => {
    const url = wasmUrl;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`wasmpool: cannot fetch ${url} (${response.status} ${response.statusText})`);
    if ((response.headers.get('Content-Type') || '').startsWith('text/html')) {
      // A dev server's fallback page instead of the wasm: the URL was rewritten
      // away from pkg/, as Vite's dependency pre-bundling does.
      throw new Error(
        `wasmpool: ${url} is an HTML page, not the wasm module. With Vite, add optimizeDeps: { exclude: ['wasmpool'] } ` +
          'to vite.config so wasmpool is served as published (pre-bundling moves it away from its pkg/ folder).',
      );
    }
    const module =
      typeof WebAssembly.compileStreaming === 'function' &&
      (response.headers.get('Content-Type') || '').startsWith('application/wasm')
        ? await WebAssembly.compileStreaming(response)
        : await WebAssembly.compile(await response.arrayBuffer());
    const wasm = await glue.default({ module_or_path: module });
    return {
      wasm,
      glue,
      module,
      spawnWorker,
    };
  },
  { spawnWorker, wasmUrl },
);
