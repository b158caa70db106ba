// wasmpool for Node.js (package.json's "node" export condition): the same API
// on worker_threads, which always share memory. Setting the runtime is a side
// effect (listed in package.json's "sideEffects").
import * as glue from '../../../pkg/wasmpool.js';
import { setNodeRuntime } from './runtime.js';

setNodeRuntime({
  wasm: new URL('../../../pkg/wasmpool_bg.wasm', import.meta.url),
  glue,
  workerEntry: new URL('./worker.js', import.meta.url),
});

export * from '../api.js';
