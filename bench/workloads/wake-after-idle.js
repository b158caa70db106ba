// wake_after_idle: the first task after a second without any. A wasmpool
// worker idle that long sleeps cold (Atomics.waitAsync, see
// src/js/worker/memory/claim-loop.js), so this is the cold wake-up path; a workerpool
// worker waits in its event loop for a message.
import { log, noop, now, quantile, sleep } from './common.js';

const IDLE_MS = 1000;

async function timeOne(run) {
  const t = now();
  await run();
  return (now() - t) * 1000;
}

// Both pools sit idle together for IDLE_MS, then each runs one task, the two
// taking turns at going first; every trial of each pool thus follows at least
// IDLE_MS of idle, and the run takes trials × IDLE_MS, not twice that.
export async function wakeAfterIdle({ quick, wp, wk }) {
  const trials = quick ? 5 : 50;
  const pools = [
    { name: 'wasmpool', run: () => wp.submit(noop), samples: [] },
    { name: 'workerpool', run: () => wk.exec(noop, []), samples: [] },
  ];
  for (const p of pools) for (let i = 0; i < 100; i++) await p.run(); // warm
  for (let i = 0; i < trials; i++) {
    await sleep(IDLE_MS);
    const order = i % 2 === 0 ? pools : [...pools].reverse();
    for (const p of order) p.samples.push(await timeOne(p.run));
  }
  const [a, b] = pools.map((p) => {
    const sorted = Float64Array.from(p.samples).sort();
    return { p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), max: sorted[sorted.length - 1] };
  });
  log(`wake_after_idle p50: wasmpool ${a.p50.toFixed(0)} µs, workerpool ${b.p50.toFixed(0)} µs (${trials} trials)`);
  const spread = (s) => `p90 ${s.p90.toFixed(0)} µs, max ${s.max.toFixed(0)} µs`;
  return {
    id: 'wake_after_idle',
    unit: `µs p50 (${trials} trials)`,
    wasmpool: a.p50,
    workerpool: b.p50,
    ratio: b.p50 / a.p50,
    target: 'no slower than workerpool',
    met: a.p50 <= b.p50,
    notes:
      `first task after ${IDLE_MS / 1000} s without tasks (2 warmed-up workers each; the pools idle together and ` +
      `alternate going first); wasmpool ${spread(a)}; workerpool ${spread(b)}`,
  };
}
