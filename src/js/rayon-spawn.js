// How rayon's threads start: package-runtime.js registers a spawner (its
// bundler-visible `new Worker(new URL('../../pkg/worker.js', …))`), and
// wasmpool's replacement of wasm-bindgen-rayon's worker helper
// (pkg/snippets/wasm-bindgen-rayon-*/src/workerHelpers.no-bundler.js) uses it.
let spawner = null;
export function setRayonSpawner(spawn) {
  spawner ??= spawn;
}
export function spawnRayonWorker() {
  if (!spawner) throw new Error('wasmpool: initRayon needs the package entry (index.js) to be imported');
  return spawner();
}
