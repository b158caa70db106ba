// wasmpool for Node.js (package.json's "node" export condition): the same API
// on worker_threads, which always share memory. The runtime is a side effect
// (listed in package.json's "sideEffects").
import './runtime.js';

export * from '../api.js';
