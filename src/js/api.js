// wasmpool's public API, the same for every runtime, without one: the
// entries add it: index.js (browsers, bundlers: the npm package's wasm),
// node/index.js (Node.js), the demo crate's (crates/wasmpool-demo/js). No side
// effects: what an app does not import, bundlers drop.

export { CloneError } from './common/codec/index.js';
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
export { ALL_COMPLETED, asCompleted, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from './waiting.js';
