// wasmpool's public API, without a runtime: index.js (the npm package) adds
// the package's wasm; the demo crate's entry (crates/wasmpool-demo/js) adds
// its own. No side effects: what an app does not import, bundlers drop.

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
export { CloneError } from './shared/codec/index.js';
export { ALL_COMPLETED, asCompleted, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from './waiting.js';
