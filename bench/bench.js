// The benchmarks, run in one page of one browser so every figure is a ratio
// against an anchor measured in the same run. Every workload checks its
// results, so a fast wrong answer cannot win.
import { initRayon, Pool } from '/src/js/index.js';
import { loadRuntime } from '/src/js/runtime.js';

const WORKERS = 2;
const log = (line) => {
  document.getElementById('log').textContent += `${line}\n`;
  console.log(line);
};
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
function check(cond, what) {
  if (!cond) throw new Error(`benchmark result check failed: ${what}`);
}

// The minimal postMessage pool every tutorial shows: round-robin, one message per task each way.
class MinimalPool {
  constructor(n) {
    this.workers = Array.from({ length: n }, () => new Worker('/bench/minimal-worker.js'));
    this.pending = new Map();
    this.next = 0;
    this.id = 0;
    for (const w of this.workers) {
      w.onmessage = ({ data }) => {
        const p = this.pending.get(data.id);
        this.pending.delete(data.id);
        data.ok ? p.resolve(data.value) : p.reject(new Error(data.value));
      };
    }
  }
  exec(fn, args = []) {
    const id = this.id++;
    const w = this.workers[this.next++ % this.workers.length];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, source: fn.toString(), args });
    });
  }
  terminate() {
    for (const w of this.workers) w.terminate();
  }
}

const noop = () => 0;

async function latency(run, n) {
  for (let i = 0; i < 200; i++) await run();
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = now();
    await run();
    samples[i] = now() - t;
  }
  samples.sort();
  return { p50: quantile(samples, 0.5) * 1000, p99: quantile(samples, 0.99) * 1000 };
}

async function throughput(submit, n) {
  const t = now();
  const all = [];
  for (let i = 0; i < n; i++) all.push(submit(i));
  const out = await Promise.all(all);
  const s = (now() - t) / 1000;
  check(out.length === n && out[n - 1] === n - 1, 'throughput results');
  return n / s;
}

// ~2 µs of floating-point work per item.
function smallWork(x) {
  let s = 0;
  for (let i = 0; i < 800; i++) s += Math.sqrt(x + i);
  return s;
}

// Between workloads: collect the previous one's garbage and let things settle.
async function settle() {
  globalThis.gc?.();
  await sleep(100);
}

const WORKLOADS = ['roundtrip', 'throughput', 'map_small', 'cpu_scaling', 'startup', 'big_input', 'memory'];

async function bench({ quick = false } = {}) {
  const results = [];
  // Progress: the runner prints these lines as they come (a full run takes ~1 min).
  const started = now();
  let stepNo = 0;
  const step = (id) => log(`[${++stepNo}/${WORKLOADS.length}] ${id}… (${((now() - started) / 1000).toFixed(1)} s)`);
  const scale = quick ? 0.1 : 1;
  const rt = await loadRuntime();
  const wp = new Pool({ workers: WORKERS });
  await wp.ready;
  const wk = workerpool.pool({ maxWorkers: WORKERS });
  const mini = new MinimalPool(WORKERS);
  await Promise.all([wk.exec(noop, []), mini.exec(noop)]);

  // roundtrip
  step('roundtrip');
  {
    const n = Math.round(10_000 * scale);
    const a = await latency(() => wp.submit(noop), n);
    const b = await latency(() => wk.exec(noop, []), n);
    const c = await latency(() => mini.exec(noop), n);
    log(
      `roundtrip p50: wasmpool ${a.p50.toFixed(1)} µs, workerpool ${b.p50.toFixed(1)} µs, minimal ${c.p50.toFixed(1)} µs`,
    );
    results.push({
      id: 'roundtrip',
      unit: 'µs p50 (p99 in notes)',
      wasmpool: a.p50,
      workerpool: b.p50,
      minimal: c.p50,
      notes: `p99: wasmpool ${a.p99.toFixed(0)} µs, workerpool ${b.p99.toFixed(0)} µs, minimal ${c.p99.toFixed(0)} µs`,
      ratio: b.p50 / a.p50,
      target: 'wasmpool p50 ≤ 1/5 of workerpool',
      met: a.p50 * 5 <= b.p50,
    });
  }

  await settle();
  // throughput
  step('throughput');
  {
    const n = Math.round(100_000 * scale);
    const id = (x) => x;
    const a = await throughput((i) => wp.submit(id, i), n);
    const b = await throughput((i) => wk.exec(id, [i]), n);
    const c = await throughput((i) => mini.exec(id, [i]), n);
    log(`throughput: wasmpool ${Math.round(a)}/s, workerpool ${Math.round(b)}/s, minimal ${Math.round(c)}/s`);
    results.push({
      id: 'throughput',
      unit: 'tasks/s',
      wasmpool: a,
      workerpool: b,
      minimal: c,
      ratio: a / b,
      target: '≥ 10× workerpool',
      met: a >= 10 * b,
    });
  }

  await settle();
  // map_small: both sides warmed up (the worker compiles the function from
  // source, the page has it already), then the median of five runs.
  step('map_small');
  {
    const items = Array.from({ length: Math.round(100_000 * scale) }, (_, i) => i);
    const warm = items.slice(0, 20_000);
    warm.map(smallWork);
    await wp.map(smallWork, warm);
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
    const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
    const singleMs = median(runs.single),
      parallelMs = median(runs.pool);
    log(
      `map_small: single-thread JS ${singleMs.toFixed(1)} ms, wasmpool.map ${parallelMs.toFixed(1)} ms (${((singleMs / items.length) * 1000).toFixed(2)} µs per item)`,
    );
    results.push({
      id: 'map_small',
      unit: 'ms (median of 5, warm)',
      wasmpool: parallelMs,
      'single-thread JS': singleMs,
      ratio: singleMs / parallelMs,
      target: '≥ 1.6× single-thread JS',
      met: singleMs / parallelMs >= 1.6,
      notes: `~${((singleMs / items.length) * 1000).toFixed(2)} µs of work per item; default chunksize ${Math.ceil(items.length / (4 * WORKERS))}`,
    });
  }

  await settle();
  // cpu_scaling
  step('cpu_scaling');
  {
    const W = quick ? 512 : 2048,
      H = W,
      ITER = 256,
      BAND = 16;
    await initRayon(WORKERS);
    const hash = (arr) => {
      let h = 0;
      for (let i = 0; i < arr.length; i++) h = (Math.imul(h, 31) + arr[i]) | 0;
      return h;
    };
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
    results.push({
      id: 'cpu_scaling',
      unit: 'ms',
      wasmpool: poolMs,
      'single-thread wasm': singleMs,
      'wasm-bindgen-rayon': rayonMs,
      ratio: singleMs / poolMs,
      notes: `time vs rayon: ${(poolMs / rayonMs).toFixed(2)}×`,
      target: '≥ 1.85× single-thread wasm, and ≤ 1.05× rayon time',
      met: singleMs / poolMs >= 1.85 && poolMs <= 1.05 * rayonMs,
    });
  }

  await settle();
  // startup
  step('startup');
  {
    const rounds = quick ? 3 : 10;
    let poolMs = 0,
      bareMs = 0;
    for (let r = 0; r < rounds; r++) {
      let t = now();
      const p = new Pool({ workers: WORKERS });
      await p.ready;
      poolMs += now() - t;
      await p.shutdown();
      t = now();
      const bare = Array.from({ length: WORKERS }, () => new Worker('/bench/bare-worker.js', { type: 'module' }));
      await Promise.all(
        bare.map(
          (w) =>
            new Promise((r) => {
              w.onmessage = r;
            }),
        ),
      );
      bareMs += now() - t;
      for (const w of bare) w.terminate();
      await sleep(20);
    }
    poolMs /= rounds;
    bareMs /= rounds;
    log(`startup: pool ${poolMs.toFixed(1)} ms, bare module workers ${bareMs.toFixed(1)} ms`);
    results.push({
      id: 'startup',
      unit: 'ms',
      wasmpool: poolMs,
      'bare module workers': bareMs,
      ratio: (1.5 * bareMs) / poolMs,
      target: '≤ 1.5× bare workers',
      met: poolMs <= 1.5 * bareMs,
      notes: `pool/bare = ${(poolMs / bareMs).toFixed(2)}× (ratio column: 1.5×bare/pool, >1 = target met)`,
    });
  }

  await settle();
  // big_input
  step('big_input');
  {
    const N = 1 << 20; // 8 MiB of doubles
    const n = quick ? 20 : 100;
    const shared = wp.alloc(Float64Array, N);
    shared.fill(1.5);
    const first = (a) => a[0] + a[a.length - 1];
    const noopLat = await latency(() => wp.submit(noop), n);
    const sharedLat = await latency(() => wp.submit(first, shared), n);
    check((await wp.submit(first, shared)) === 3, 'big_input shared result');
    const plain = new Float64Array(N).fill(1.5);
    const cloneLat = await latency(() => wk.exec(first, [plain]), Math.max(10, n / 5));
    const { TaskOptions } = await import('/src/js/index.js');
    const transferLat = await latency(
      () => {
        const b = new Float64Array(N).fill(1.5);
        return wp.submit(first, b, new TaskOptions({ transfer: [b.buffer] }));
      },
      Math.max(10, n / 5),
    );
    const wkTransferLat = await latency(
      () => {
        const b = new Float64Array(N).fill(1.5);
        return wk.exec(first, [b], { transfer: [b.buffer] });
      },
      Math.max(10, n / 5),
    );
    shared.free();
    log(
      `big_input p50: shared ${sharedLat.p50.toFixed(0)} µs (no-op ${noopLat.p50.toFixed(0)} µs), workerpool clone ${cloneLat.p50.toFixed(0)} µs, wasmpool transfer ${transferLat.p50.toFixed(0)} µs, workerpool transfer ${wkTransferLat.p50.toFixed(0)} µs`,
    );
    results.push({
      id: 'big_input',
      unit: 'µs p50',
      wasmpool: sharedLat.p50,
      'wasmpool no-op': noopLat.p50,
      'workerpool clone': cloneLat.p50,
      'wasmpool transfer': transferLat.p50,
      'workerpool transfer': wkTransferLat.p50,
      ratio: (2 * noopLat.p50) / sharedLat.p50,
      target: 'shared ≤ 2× a no-op dispatch',
      met: sharedLat.p50 <= 2 * noopLat.p50,
      notes:
        'ratio column: 2×no-op/shared (>1 = target met); includes creating+filling the 8 MiB array for the transfer rows',
    });
  }

  await settle();
  // memory
  step('memory');
  {
    const heap = () => (performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : NaN);
    const p = new Pool({ workers: WORKERS });
    await p.ready;
    const afterCreate = { wasm: rt.memory.buffer.byteLength / 2 ** 20, heap: heap() };
    await throughput((i) => p.submit((x) => x, i), Math.round(100_000 * scale));
    const after = { wasm: rt.memory.buffer.byteLength / 2 ** 20, heap: heap() };
    await p.shutdown();
    log(
      `memory: wasm ${afterCreate.wasm.toFixed(2)} → ${after.wasm.toFixed(2)} MiB, JS heap ${afterCreate.heap.toFixed(1)} → ${after.heap.toFixed(1)} MiB`,
    );
    results.push({
      id: 'memory',
      unit: 'MiB',
      wasmpool: after.wasm,
      notes: `wasm memory ${afterCreate.wasm.toFixed(2)} MiB after creation, ${after.wasm.toFixed(2)} MiB after 100,000 tasks; JS heap ${afterCreate.heap.toFixed(1)} → ${after.heap.toFixed(1)} MiB`,
      ratio: null,
      target: 'reported',
      met: true,
    });
  }

  await wp.shutdown();
  await wk.terminate();
  mini.terminate();
  return { browser: navigator.userAgent, cores: navigator.hardwareConcurrency, workers: WORKERS, results };
}

window.runBench = bench;
window.benchReady = true;
