// cpu_scaling: a CPU-bound Mandelbrot, as row tasks on the pool, against the
// same kernel on one thread and against wasm-bindgen-rayon. The kernels are
// the demo crate's Rust tasks: this runs in bench.html?demo.

import { initRayon } from '../wasmpool.js';
import { check, log, now, WORKERS } from './common.js';

const hash = (arr) => {
  let h = 0;
  for (let i = 0; i < arr.length; i++) h = (Math.imul(h, 31) + arr[i]) | 0;
  return h;
};

export async function cpuScaling({ quick, wp }) {
  const W = quick ? 512 : 2048,
    H = W,
    ITER = 256,
    BAND = 16;
  await initRayon(WORKERS);
  // Single-thread wasm: the same kernel as one task writing the whole image
  // in place (in a worker: rayon and the page must not block).
  const single = wp.alloc(Uint32Array, W * H);
  await wp.submit('mandelbrot_into', single, W, 64, 0, 64, ITER); // warm-up
  let t = now();
  await wp.submit('mandelbrot_into', single, W, H, 0, H, ITER);
  const singleMs = now() - t;
  // wasmpool: rows as tasks, written in place into a shared array.
  const out = wp.alloc(Uint32Array, W * H);
  t = now();
  const tasks = [];
  for (let y = 0; y < H; y += BAND) tasks.push(wp.submit('mandelbrot_into', out, W, H, y, BAND, ITER));
  await Promise.all(tasks);
  const poolMs = now() - t;
  check(hash(out) === hash(single), 'mandelbrot: wasmpool result differs from single-thread');
  out.free();
  // wasm-bindgen-rayon: par_iter over rows on its own pool (called from a worker).
  await wp.submit('mandelbrot_rayon', W, 64, ITER); // warm-up
  t = now();
  const rayon = await wp.submit('mandelbrot_rayon', W, H, ITER);
  const rayonMs = now() - t;
  check(hash(rayon) === hash(single), 'mandelbrot: rayon result differs from single-thread');
  single.free();
  log(
    `cpu_scaling: single wasm ${singleMs.toFixed(0)} ms, wasmpool ${poolMs.toFixed(0)} ms (${(singleMs / poolMs).toFixed(2)}×), rayon ${rayonMs.toFixed(0)} ms`,
  );
  return {
    id: 'cpu_scaling',
    unit: 'ms',
    wasmpool: poolMs,
    'single-thread wasm': singleMs,
    'wasm-bindgen-rayon': rayonMs,
    ratio: singleMs / poolMs,
    notes: `time vs rayon: ${(poolMs / rayonMs).toFixed(2)}×`,
    target: '≥ 1.85× single-thread wasm, and ≤ 1.05× rayon time',
    met: singleMs / poolMs >= 1.85 && poolMs <= 1.05 * rayonMs,
  };
}
