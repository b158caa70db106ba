// map_small: pool.map over 100,000 items of ~1.3-2.6 µs against Array.map on the
// page. Both sides warmed up (the worker compiles the function from source,
// the page has it already), then the median of five runs.
import { check, log, median, now, WORKERS } from './common.js';

// ~2 µs of floating-point work per item.
function smallWork(x) {
  let s = 0;
  for (let i = 0; i < 800; i++) s += Math.sqrt(x + i);
  return s;
}

// Targets: 1.6× single-thread JS with shared memory, 1.5× with messages.
const TARGET = { shared: 1.6, message: 1.5 };

export async function mapSmall({ scale, wp, transport }) {
  const target = TARGET[transport];
  const items = Array.from({ length: Math.round(100_000 * scale) }, (_, i) => i);
  // One untimed full-size run of each side first: after a shorter warm-up the
  // first timed pool run is still ~10% slower (JIT tier-up of the worker's
  // copy of smallWork and of the codec).
  items.map(smallWork);
  await wp.map(smallWork, items);
  const runs = { single: [], pool: [] };
  let single, parallel;
  for (let r = 0; r < 5; r++) {
    let t = now();
    single = items.map(smallWork);
    runs.single.push(now() - t);
    t = now();
    parallel = await wp.map(smallWork, items);
    runs.pool.push(now() - t);
  }
  check(parallel.length === single.length && parallel.every((v, i) => v === single[i]), 'map_small results');
  const singleMs = median(runs.single),
    parallelMs = median(runs.pool);
  log(
    `map_small: single-thread JS ${singleMs.toFixed(1)} ms, wasmpool.map ${parallelMs.toFixed(1)} ms (${((singleMs / items.length) * 1000).toFixed(2)} µs per item)`,
  );
  return {
    id: 'map_small',
    unit: 'ms (median of 5, warm)',
    wasmpool: parallelMs,
    'single-thread JS': singleMs,
    ratio: singleMs / parallelMs,
    target: `≥ ${target}× single-thread JS`,
    met: singleMs / parallelMs >= target,
    notes: `~${((singleMs / items.length) * 1000).toFixed(2)} µs of work per item; default chunksize ${Math.ceil(items.length / (4 * WORKERS))}`,
  };
}
