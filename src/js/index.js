// wasmpool: a Web Worker pool whose threads share one WebAssembly memory.
// The package's runtime (pkg/wasmpool_bg.wasm + pkg/worker.js); a side effect,
// listed in package.json's "sideEffects" so bundlers keep it.
import './package-runtime.js';
export { Pool, TaskOptions, MAX_WORKERS } from './page/pool.js';
export { Future } from './future.js';
export { MapResult, defaultChunksize } from './map.js';
export { MultiprocessingPool, AsyncResult, IMapIterator, multiprocessing } from './multiprocessing.js';
export { asCompleted, wait, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED } from './waiting.js';
export {
  PoolError, NotIsolatedError, ShutdownError, BrokenPoolError, CancelledError, TimeoutError,
  WorkerCrashedError, PanicError, QueueFullError,
} from './errors.js';
export { CloneError } from './shared/codec/index.js';
export { initRayon } from './rayon.js';
