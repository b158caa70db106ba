// wasmpool's replacement of wasm-bindgen-rayon's no-bundler helper, copied over
// pkg/snippets/wasm-bindgen-rayon-*/src/workerHelpers.no-bundler.js by
// scripts/build.sh: rayon's threads are pkg/worker.js, started through the
// package's bundler-visible new Worker(new URL(...)) (src/js/rayon-spawn.js),
// so they work with Vite, webpack and no bundler alike.
import { spawnRayonWorker } from '../../../../src/js/rayon-spawn.js';

// Written, never read: it keeps the workers reachable (Firefox collects
// unrooted workers on shared memory).
// biome-ignore lint/correctness/noUnusedVariables: see above.
let workers;

function waitForMsgType(target, type) {
  return new Promise((resolve, reject) => {
    target.addEventListener('message', function onMsg({ data }) {
      if (data == null || data.type !== type) return;
      target.removeEventListener('message', onMsg);
      resolve(data);
    });
    target.addEventListener(
      'error',
      (e) => reject(new Error(`wasmpool: a rayon thread failed to start: ${e.message || 'error'}`)),
      { once: true },
    );
  });
}

export async function startWorkers(module, memory, builder) {
  if (builder.numThreads() === 0) throw new Error('num_threads must be > 0.');
  const init = { type: 'wasm_bindgen_worker_init', module, memory, receiver: builder.receiver() };
  workers = await Promise.all(
    Array.from({ length: builder.numThreads() }, async () => {
      const worker = spawnRayonWorker();
      worker.postMessage(init);
      await waitForMsgType(worker, 'wasm_bindgen_worker_ready');
      return worker;
    }),
  );
  builder.build();
}
