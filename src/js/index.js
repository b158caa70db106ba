// wasmpool: a Web Worker pool whose threads share one WebAssembly memory.
// The package's runtime (pkg/wasmpool_bg.wasm + pkg/worker.js); a side effect,
// listed in package.json's "sideEffects" so bundlers keep it. Node.js gets
// node/index.js instead (package.json's "node" export condition).
import './package-runtime.js';

export * from './api.js';
