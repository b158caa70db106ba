// wasmpool's public API, the same for every runtime. The entries add the
// runtime: index.js (browsers, bundlers) and node/index.js (Node.js).
export {
  BrokenPoolError,
  CancelledError,
  NotIsolatedError,
  PanicError,
  PoolError,
  QueueFullError,
  ShutdownError,
  TimeoutError,
  WorkerCrashedError,
} from './errors.js';
export { Future } from './future.js';
export { defaultChunksize, MapResult } from './map.js';
export { AsyncResult, IMapIterator, MultiprocessingPool, multiprocessing } from './multiprocessing.js';
export { MAX_WORKERS, Pool, TaskOptions } from './page/pool.js';
export { initRayon } from './rayon.js';
export { CloneError } from './shared/codec/index.js';
export { ALL_COMPLETED, asCompleted, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from './waiting.js';
