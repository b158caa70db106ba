// roundtrip and roundtrip_p99: submit → await of a no-op, one task at a time,
// both rows from the same samples. The p99 tail of a pool's first ~10,000
// round trips is JIT tier-up (page and workers), so the rows measure steady
// state (5,000 untimed round trips first) and the notes give the tail of
// fresh pools, measured first, before this page has run any other round trip.

import { Pool } from '../wasmpool.js';
import { interleavedLatency, latency, log, noop, pairedLatency, WORKERS } from './common.js';

const fmt = (us) => `${us.toFixed(0)} µs`;

// The step of performance.now() in this page, in µs: browsers coarsen it
// (Chromium to 5 µs in isolated pages, Firefox to 20 µs), and round trips
// come in such steps.
function timerStep() {
  let step = Infinity;
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    let u = t;
    while (u === t) u = performance.now();
    step = Math.min(step, u - t);
  }
  return Math.round(step * 1000);
}

// The first `n` round trips of pools started for the purpose: wasmpool
// timed from `await pool.ready`, workerpool from its first worker's first
// answer (the task that starts the worker is not timed).
async function freshP99(n, transport) {
  const wp = new Pool({ workers: WORKERS, transport, quiet: true });
  await wp.ready;
  const a = await latency(() => wp.submit(noop), n, { warmup: 0 });
  await wp.shutdown();
  const wk = workerpool.pool({ maxWorkers: WORKERS });
  await wk.exec(noop, []);
  const b = await latency(() => wk.exec(noop, []), n, { warmup: 0 });
  await wk.terminate();
  return { wasmpool: a.p99, workerpool: b.p99 };
}

// The p50 target against workerpool, per browser: Firefox's is lower because
// 8× workerpool's round trip there would be below its clock's 20 µs step.
const P50_TARGET = { chromium: 8, firefox: 5 };

export async function roundtrip({ scale, wp, wk, mini, browser, transport }) {
  if (transport === 'message') return messageRoundtrip({ scale, wp, wk });
  const p50Target = P50_TARGET[browser] ?? 8;
  const n = Math.round(10_000 * scale);
  const warmup = Math.round(5_000 * scale);
  const fresh = await freshP99(n, transport);
  log(`roundtrip, fresh pools, first ${n} p99: wasmpool ${fmt(fresh.wasmpool)}, workerpool ${fmt(fresh.workerpool)}`);
  const [a, b, c] = await interleavedLatency(
    [() => wp.submit(noop), () => wk.exec(noop, []), () => mini.exec(noop)],
    n,
    {
      warmup,
    },
  );
  log(
    `roundtrip p50: wasmpool ${a.p50.toFixed(1)} µs, workerpool ${b.p50.toFixed(1)} µs, minimal ${c.p50.toFixed(1)} µs`,
  );
  log(
    `roundtrip p99: wasmpool ${a.p99.toFixed(1)} µs, workerpool ${b.p99.toFixed(1)} µs, minimal ${c.p99.toFixed(1)} µs`,
  );
  const steady = `${warmup.toLocaleString('en')} untimed round trips per pool, then ${n.toLocaleString('en')} timed, the pools alternating in blocks of 500`;
  const rows = [
    {
      id: 'roundtrip',
      unit: 'µs p50, steady state',
      wasmpool: a.p50,
      workerpool: b.p50,
      minimal: c.p50,
      ratio: b.p50 / a.p50,
      target: `wasmpool p50 ≤ 1/${p50Target} of workerpool`,
      met: a.p50 * p50Target <= b.p50,
      notes: `${steady}; performance.now() comes in ${timerStep()} µs steps in this page`,
    },
    {
      id: 'roundtrip_p99',
      unit: 'µs p99, steady state',
      wasmpool: a.p99,
      workerpool: b.p99,
      minimal: c.p99,
      ratio: b.p99 / a.p99,
      target: 'wasmpool p99 ≤ 1/2 of workerpool',
      met: a.p99 * 2 <= b.p99,
      notes:
        `same samples as roundtrip; fresh pools (the first ${n.toLocaleString('en')} round trips after start, ` +
        `JIT warm-up included): p99 wasmpool ${fmt(fresh.wasmpool)}, workerpool ${fmt(fresh.workerpool)}`,
    },
  ];
  return rows;
}

// On a plain page the clock comes in 100 µs (Chromium) or 1 ms (Firefox)
// steps, finer than no single round trip: they are timed in batches of 100,
// alternating wasmpool and workerpool, and the row is the median batch's mean.
// A 20 ms pause before each batch, so that every batch starts from idle
// threads: back to back, one pool or the other can fall into a slow regime
// for the whole run (bench/NOTES.md).
async function messageRoundtrip({ scale, wp, wk }) {
  const { a, b } = await pairedLatency(
    () => wp.submit(noop),
    () => wk.exec(noop, []),
    { batches: Math.max(10, Math.round(50 * scale)), batch: 100, warmup: Math.round(5_000 * scale), gapMs: 20 },
  );
  log(`roundtrip (message transport): wasmpool ${a.toFixed(1)} µs, workerpool ${b.toFixed(1)} µs`);
  return {
    id: 'roundtrip',
    unit: 'µs per round trip, median batch of 100',
    wasmpool: a,
    workerpool: b,
    ratio: b / a,
    target: 'wasmpool ≤ workerpool',
    met: a <= b,
    notes: `plain page: performance.now() comes in ${timerStep()} µs steps, so round trips are timed 100 at a time`,
  };
}
