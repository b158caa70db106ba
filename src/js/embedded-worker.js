// A pool thread of a pool created from Rust (see embedded.js): the worker
// script is this file with `?wasmpool-worker`; it imports the crate's glue by
// the URL the page sends. The crate's glue imports this file too (as a
// snippet, without the query, so as a different module): only the copy
// started as a worker serves.
import { serveWorker } from './worker-core.js';

export const EMBEDDED_WORKER = 'wasmpool-worker';

if (typeof WorkerGlobalScope !== 'undefined' && new URL(import.meta.url).searchParams.has(EMBEDDED_WORKER)) {
  serveWorker((init) => import(/* webpackIgnore: true */ /* @vite-ignore */ init.glueUrl));
}
