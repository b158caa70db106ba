// What the page-side workloads share: the log, timing and statistics helpers,
// the result check, and the minimal postMessage pool used as an anchor.

export const WORKERS = 2;

export const log = (line) => {
  document.getElementById('log').textContent += `${line}\n`;
  console.log(line);
};
export const now = () => performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
export const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
export function check(cond, what) {
  if (!cond) throw new Error(`benchmark result check failed: ${what}`);
}

export const noop = () => 0;

// The minimal postMessage pool every tutorial shows: round-robin, one message per task each way.
export class MinimalPool {
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

/**
 * Round-trip latency of `run()` (one task at a time): `warmup` untimed round
 * trips, then `n` timed ones. Returns p50 and p99 in µs.
 */
export async function latency(run, n, { warmup = 200 } = {}) {
  for (let i = 0; i < warmup; i++) await run();
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = now();
    await run();
    samples[i] = now() - t;
  }
  samples.sort();
  return { p50: quantile(samples, 0.5) * 1000, p99: quantile(samples, 0.99) * 1000 };
}

/**
 * Round-trip latency of several pools measured in alternating blocks of
 * `block` round trips, so that a burst of the machine's other work (2 cores:
 * the browser's own threads, the runner) lands on every pool alike rather
 * than on whichever ran during it. `warmup` untimed round trips each first
 * (and 5 at the start of each block),
 * then `n` timed each. Returns `[{ p50, p99 }, ...]` in µs, one per run.
 */
export async function interleavedLatency(runs, n, { warmup = 200, block = 500 } = {}) {
  for (const run of runs) for (let i = 0; i < warmup; i++) await run();
  const samples = runs.map(() => new Float64Array(n));
  for (let start = 0; start < n; start += block) {
    const end = Math.min(n, start + block);
    for (const [r, run] of runs.entries()) {
      // A pool left alone during the others' blocks has gone cold (its
      // workers asleep); steady state is measured, waking is wake_after_idle's.
      for (let i = 0; i < 5; i++) await run();
      for (let i = start; i < end; i++) {
        const t = now();
        await run();
        samples[r][i] = now() - t;
      }
    }
  }
  return samples.map((s) => {
    s.sort();
    return { p50: quantile(s, 0.5) * 1000, p99: quantile(s, 0.99) * 1000 };
  });
}

/**
 * Per-task time of two kinds of round trip, measured alternately so that
 * drift (the other core's load, GC, JIT) hits both alike: `batches` samples
 * of each, every sample `batch` sequential round trips timed together, so
 * that a coarse clock (Firefox steps performance.now() by 20 µs) is ~1/batch
 * of a sample; `gapMs`: a pause before each sample. Returns the median
 * per-task time of each, in µs.
 */
export async function pairedLatency(runA, runB, { batches = 50, batch = 20, warmup = 200, gapMs = 0 } = {}) {
  for (let i = 0; i < warmup; i++) {
    await runA();
    await runB();
  }
  const a = new Float64Array(batches);
  const b = new Float64Array(batches);
  const time = async (run) => {
    const t = now();
    for (let k = 0; k < batch; k++) await run();
    return ((now() - t) * 1000) / batch;
  };
  for (let i = 0; i < batches; i++) {
    a[i] = await time(runA);
    if (gapMs) await sleep(gapMs);
    b[i] = await time(runB);
    if (gapMs) await sleep(gapMs);
  }
  return { a: median(a), b: median(b) };
}

/** Tasks per second for `n` tasks submitted at once (`submit(i)` must resolve to `i`). */
export async function throughput(submit, n) {
  const t = now();
  const all = [];
  for (let i = 0; i < n; i++) all.push(submit(i));
  const out = await Promise.all(all);
  const s = (now() - t) / 1000;
  check(out.length === n && out[n - 1] === n - 1, 'throughput results');
  return n / s;
}

// Between workloads: collect the previous one's garbage and let things settle.
export async function settle() {
  globalThis.gc?.();
  await sleep(100);
}
