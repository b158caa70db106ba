// The npm package's pool thread. The build bundles this file, the worker core
// and the package's wasm-bindgen glue into one file (pkg/worker.js): a module
// worker fetches its whole import graph before it runs, so one file starts
// sooner (bench/NOTES.md, "Worker script"). Its modules declare no class
// fields: Firefox parses a class with fields eagerly, at every worker start
// (tests/node/worker-syntax.test.mjs).
//
// Only the glue functions a worker calls are imported (not the
// namespace), so the bundle leaves out the rest of the glue: the async
// fetch-and-instantiate path and the wrappers of exports the worker calls
// directly on the instance.
import {
  initSync,
  wp_has_task,
  wp_run_task,
  wp_task_id,
  wp_task_names,
  wp_worker_exit,
  wp_worker_start,
} from '../../pkg/wasmpool.js';
import { serveWorker } from './worker/boot.js';

// (wp_task_names: a message-transport worker reports the Rust task names.)
serveWorker(() => ({ initSync, wp_has_task, wp_run_task, wp_task_id, wp_task_names, wp_worker_exit, wp_worker_start }));
