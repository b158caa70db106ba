// A pool thread on the demo crate's wasm: the worker core of src/js on this
// crate's glue, bundled by scripts/build.sh into ../pkg/worker.js. (rayon's
// threads, started by initRayon, are wasm-bindgen-rayon's own workers.)
import { serveWorker } from '../../../src/js/worker/boot.js';
import * as glue from '../pkg/wasmpool_demo.js';

// A message-transport worker has an instance of its own: its tasks are registered there too.
serveWorker(() => glue, { onInstance: (g) => g.register_demo_tasks() });
