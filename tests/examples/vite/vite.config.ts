import { defineConfig } from 'vite';

// SharedArrayBuffer (so wasmpool) needs a cross-origin isolated page: both the
// dev server and `vite preview` send COOP/COEP on every response, the worker
// script and the .wasm included.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  // The dev server pre-bundles dependencies into node_modules/.vite/deps/, which
  // moves wasmpool's modules away from its pkg/ folder: its
  // new URL('../../pkg/…', import.meta.url) would then point nowhere. Serve it
  // as it is published instead (only `vite` dev pre-bundles; `vite build` doesn't).
  optimizeDeps: { exclude: ['wasmpool'] },
});
