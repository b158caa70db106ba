// The npm package's pool thread. The build bundles this file, the worker core
// and the package's wasm-bindgen glue into one file (pkg/worker.js): a module
// worker fetches its whole import graph before it runs, and one file starts
// ~30 ms sooner than seven.
import * as glue from '../../pkg/wasmpool.js';
import { serveWorker } from './worker/boot.js';

serveWorker(() => glue);
