// The Node.js bench (bench/run.mjs --runtime node): wasmpool's Node.js
// runtime against piscina 5, tinypool and workerpool (worker_threads mode)
// and single-threaded Node.js, in this one process. Rows carry
// `runtime: 'node'`; `ratio` > 1 means wasmpool is better. The machine is
// shared, so the load changes during a run: the pools are measured in turns
// (rounds of one block each), so that every pool sees the same conditions.
// Between its turns a pool is idle: its workers sleep (wasmpool's in a futex
// after a 60 µs spin, piscina's and tinypool's in Atomics.wait, workerpool's
// on their message port).
import os from 'node:os';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
// The demo crate's Node.js entry: wasmpool's API and runtime on the demo's
// wasm, which adds the Mandelbrot kernel cpu_scaling calls by name (the npm
// package's wasm has no demo task; one process has one runtime, so every
// Node.js row runs on it, as the browsers' cpu_scaling row runs on bench.html?demo).
import { Pool } from '../../crates/wasmpool-demo/js/node.js';

export const WORKERS = 2;
const TASKS = new URL('./tasks.mjs', import.meta.url);
const WORKERPOOL_WORKER = new URL('./workerpool-worker.mjs', import.meta.url);

const now = () => performance.now();
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
function check(cond, what) {
  if (!cond) throw new Error(`benchmark result check failed: ${what}`);
}

// Every pool as `{ name, start(), run(x) → Promise<x>, close() }`, running the identity task.
const POOLS = [
  {
    name: 'wasmpool',
    async start() {
      this.pool = new Pool({ workers: WORKERS, module: TASKS });
      await this.pool.ready;
    },
    run(x) {
      return this.pool.submit('identity', x);
    },
    close() {
      return this.pool.shutdown();
    },
  },
  {
    name: 'piscina',
    async start() {
      this.pool = new Piscina({ filename: TASKS.href, minThreads: WORKERS, maxThreads: WORKERS });
    },
    run(x) {
      return this.pool.run(x, { name: 'identity' });
    },
    close() {
      return this.pool.destroy();
    },
  },
  {
    name: 'tinypool',
    async start() {
      this.pool = new Tinypool({ filename: TASKS.href, minThreads: WORKERS, maxThreads: WORKERS });
    },
    run(x) {
      return this.pool.run(x, { name: 'identity' });
    },
    close() {
      return this.pool.destroy();
    },
  },
  {
    name: 'workerpool',
    async start() {
      this.pool = workerpool.pool(WORKERPOOL_WORKER.pathname, { maxWorkers: WORKERS, workerType: 'thread' });
    },
    run(x) {
      return this.pool.exec('identity', [x]);
    },
    close() {
      return this.pool.terminate();
    },
  },
];

// Every pool started and warmed up (every worker started: tasks in flight at
// once), then `rounds` turns of `measure(pool, round)` per pool, then closed.
// Resolves to each pool's list of results, by name.
async function inTurns(rounds, warmup, measure) {
  const out = {};
  for (const pool of POOLS) {
    await pool.start();
    await Promise.all(Array.from({ length: 4 * WORKERS }, (_, i) => pool.run(i)));
    for (let i = 0; i < warmup; i++) await pool.run(i);
    out[pool.name] = [];
  }
  try {
    for (let round = 0; round < rounds; round++) {
      for (const pool of POOLS) out[pool.name].push(await measure(pool, round));
    }
  } finally {
    for (const pool of POOLS) await pool.close();
  }
  return out;
}

// One block of `n` sequential round trips: their times in ms.
async function roundTrips(pool, n) {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = now();
    const v = await pool.run(i);
    samples[i] = now() - t;
    if (v !== i) throw new Error(`${pool.name}: wrong result`);
  }
  return samples;
}

function percentiles(blocks) {
  const all = new Float64Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    all.set(b, at);
    at += b.length;
  }
  all.sort();
  return { p50: quantile(all, 0.5) * 1000, p99: quantile(all, 0.99) * 1000 };
}

async function tasksPerSecond(pool, n) {
  const t = now();
  const all = new Array(n);
  for (let i = 0; i < n; i++) all[i] = pool.run(i);
  const out = await Promise.all(all);
  const s = (now() - t) / 1000;
  check(out.length === n && out[n - 1] === n - 1, `${pool.name} throughput results`);
  return n / s;
}

async function roundtrip({ scale, log }) {
  const n = Math.round(10_000 * scale);
  const warmup = Math.round(5_000 * scale);
  const rounds = 10;
  const blocks = await inTurns(rounds, warmup, (p) => roundTrips(p, n / rounds));
  const r = Object.fromEntries(Object.entries(blocks).map(([name, b]) => [name, percentiles(b)]));
  const line = (q) => POOLS.map((p) => `${p.name} ${r[p.name][q].toFixed(1)} µs`).join(', ');
  log(`roundtrip p50: ${line('p50')}`);
  log(`roundtrip p99: ${line('p99')}`);
  const anchors = (q) => Object.fromEntries(POOLS.slice(1).map((p) => [p.name, r[p.name][q]]));
  const notes =
    `${warmup.toLocaleString('en')} untimed round trips per pool, then ${n.toLocaleString('en')} timed ` +
    `in ${rounds} turns of ${(n / rounds).toLocaleString('en')} per pool`;
  return [
    {
      id: 'roundtrip',
      unit: 'µs p50, steady state',
      wasmpool: r.wasmpool.p50,
      ...anchors('p50'),
      ratio: r.piscina.p50 / r.wasmpool.p50,
      target: 'wasmpool p50 ≤ 1/3 of piscina',
      met: r.wasmpool.p50 * 3 <= r.piscina.p50,
      notes,
    },
    {
      id: 'roundtrip_p99',
      unit: 'µs p99, steady state',
      wasmpool: r.wasmpool.p99,
      ...anchors('p99'),
      ratio: r.piscina.p99 / r.wasmpool.p99,
      target: 'reported (no p99 target)',
      met: true,
      notes: 'same samples as roundtrip',
    },
  ];
}

async function throughput({ scale, log }) {
  const n = Math.round(100_000 * scale);
  const rounds = 3;
  const runs = await inTurns(rounds, 0, (p) => tasksPerSecond(p, n));
  const r = Object.fromEntries(Object.entries(runs).map(([name, v]) => [name, median(v)]));
  log(`throughput: ${POOLS.map((p) => `${p.name} ${Math.round(r[p.name])}/s`).join(', ')}`);
  const spread = (name) => `${runs[name].map((v) => Math.round(v / 1000)).join('/')}k`;
  return {
    id: 'throughput',
    unit: `tasks/s (${n.toLocaleString('en')} submitted at once, median of ${rounds} turns)`,
    ...r,
    ratio: r.wasmpool / r.piscina,
    target: '≥ 3× piscina',
    met: r.wasmpool >= 3 * r.piscina,
    notes: `per turn: wasmpool ${spread('wasmpool')}, piscina ${spread('piscina')}`,
  };
}

// ~2 µs of floating-point work per item (as the browser bench's map_small).
function smallWork(x) {
  let s = 0;
  for (let i = 0; i < 800; i++) s += Math.sqrt(x + i);
  return s;
}

async function mapSmall({ scale, log }) {
  const items = Array.from({ length: Math.round(100_000 * scale) }, (_, i) => i);
  const pool = new Pool({ workers: WORKERS });
  await pool.ready;
  try {
    // One untimed full-size run of each side first (JIT tier-up), then the median of five.
    items.map(smallWork);
    await pool.map(smallWork, items);
    const runs = { single: [], pool: [] };
    let single;
    let parallel;
    for (let r = 0; r < 5; r++) {
      let t = now();
      single = items.map(smallWork);
      runs.single.push(now() - t);
      t = now();
      parallel = await pool.map(smallWork, items);
      runs.pool.push(now() - t);
    }
    check(parallel.length === single.length && parallel.every((v, i) => v === single[i]), 'map_small results');
    const singleMs = median(runs.single);
    const poolMs = median(runs.pool);
    log(`map_small: single-thread Node.js ${singleMs.toFixed(1)} ms, wasmpool.map ${poolMs.toFixed(1)} ms`);
    return {
      id: 'map_small',
      unit: 'ms (median of 5, warm)',
      wasmpool: poolMs,
      'single-thread Node.js': singleMs,
      ratio: singleMs / poolMs,
      target: '≥ 1.6× single-thread Node.js',
      met: singleMs / poolMs >= 1.6,
      notes: `~${((singleMs / items.length) * 1000).toFixed(2)} µs of work per item, ${items.length.toLocaleString('en')} items`,
    };
  } finally {
    await pool.shutdown();
  }
}

const hash = (arr) => {
  let h = 0;
  for (let i = 0; i < arr.length; i++) h = (Math.imul(h, 31) + arr[i]) | 0;
  return h;
};

// A CPU-bound Mandelbrot (the Rust kernel) as row tasks written in place into
// a shared array, against the same kernel as one task on one thread.
async function cpuScaling({ quick, log }) {
  const W = quick ? 512 : 2048;
  const H = W;
  const ITER = 256;
  const BAND = 16;
  const pool = new Pool({ workers: WORKERS });
  await pool.ready;
  try {
    const single = pool.alloc(Uint32Array, W * H);
    const out = pool.alloc(Uint32Array, W * H);
    await pool.submit('mandelbrot_into', single, W, 64, 0, 64, ITER); // warm-up
    // Three turns each, alternating, medians: the machine's load changes meanwhile.
    const runs = { single: [], pool: [] };
    for (let turn = 0; turn < 3; turn++) {
      let t = now();
      await pool.submit('mandelbrot_into', single, W, H, 0, H, ITER);
      runs.single.push(now() - t);
      t = now();
      const tasks = [];
      for (let y = 0; y < H; y += BAND) tasks.push(pool.submit('mandelbrot_into', out, W, H, y, BAND, ITER));
      await Promise.all(tasks);
      runs.pool.push(now() - t);
    }
    const singleMs = median(runs.single);
    const poolMs = median(runs.pool);
    check(hash(out) === hash(single), 'mandelbrot: wasmpool result differs from single-thread');
    out.free();
    single.free();
    log(`cpu_scaling: single wasm ${singleMs.toFixed(0)} ms, wasmpool ${poolMs.toFixed(0)} ms`);
    return {
      id: 'cpu_scaling',
      unit: 'ms (median of 3, alternating)',
      wasmpool: poolMs,
      'single-thread wasm': singleMs,
      ratio: singleMs / poolMs,
      target: '≥ 1.85× single-thread wasm',
      met: singleMs / poolMs >= 1.85,
      notes: `${W}×${H} Mandelbrot, ${ITER} iterations, ${H / BAND} row tasks`,
    };
  } finally {
    await pool.shutdown();
  }
}

const WORKLOADS = [
  { id: 'roundtrip', run: roundtrip },
  { id: 'throughput', run: throughput },
  { id: 'map_small', run: mapSmall },
  { id: 'cpu_scaling', run: cpuScaling },
];

/** Every workload; `step(id)` before each. Resolves to `{ label, cores, workers, results }`. */
export async function benchNode({ quick = false, log = console.log, step = () => {} } = {}) {
  const ctx = { quick, scale: quick ? 0.1 : 1, log };
  const results = [];
  for (const { id, run } of WORKLOADS) {
    step(`node ${id}`);
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 100));
    const rows = await run(ctx);
    results.push(...(Array.isArray(rows) ? rows : [rows]).map((r) => ({ runtime: 'node', ...r })));
  }
  // The machine is shared: how loaded it was says how far two threads could run in parallel.
  const load = os.loadavg().map((l) => l.toFixed(1));
  return {
    label:
      `Node.js ${process.versions.node} (worker_threads; piscina 5.3.2, tinypool 2.2.0, workerpool 10.0.3; ` +
      `load average at the end ${load.join(', ')})`,
    cores: os.availableParallelism(),
    workers: WORKERS,
    results,
  };
}

/** How many steps benchNode reports. */
export const NODE_STEPS = WORKLOADS.length;
