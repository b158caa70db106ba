// Where a round trip's time goes, per stage, in one browser:
//
//   node bench/profile-roundtrip.mjs [chromium|firefox] [--precise]
//
// In bench/bench.html, a 2-worker wasmpool pool runs a task that returns its
// worker's clock (performance.timeOrigin + now()); per round trip:
//   submit   page: pool.submit() call until it returns
//   pickup   submit returned → the task starts in its worker
//   back     the task starts → the page's await resumes (the worker finishes
//            and publishes, the page's pump sees it, settles, the await resumes)
// one task at a time (as the roundtrip workload), and back-to-back (1,000
// submitted at once: per-task cost). Also, with plain workers and a
// SharedArrayBuffer (no pool): how long the page takes to see a worker's
// Atomics.notify by polling vs by Atomics.waitAsync, and a postMessage ping.
// --precise (Firefox): launches with privacy.reduceTimerPrecision off, so
// performance.now() is not coarsened to 20 µs steps (diagnosis only).

import { startServer } from '../scripts/serve.mjs';
import { launch } from '../tests/drivers/index.mjs';

const name = process.argv[2] ?? 'firefox';
const precise = process.argv.includes('--precise');
const server = await startServer({ isolated: true });
const browser = await launch(name, { precisePerformanceNow: precise });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => console.error(`page: ${m.text}`));
  await page.goto(`${server.url}/bench/bench.html`);
  await page.waitFor(() => window.benchReady === true);
  const out = await page.evaluate(async () => {
    const { Pool } = await import('/src/js/index.js');
    const now = () => performance.now();
    const q = (a, p) => [...a].sort((x, y) => x - y)[Math.floor(p * a.length)];
    const stats = (a) => ({ p50: +(q(a, 0.5) * 1000).toFixed(1), p90: +(q(a, 0.9) * 1000).toFixed(1) });
    let step = Infinity;
    for (let i = 0; i < 50; i++) {
      const t = now();
      let u = t;
      while (u === t) u = now();
      step = Math.min(step, u - t);
    }
    const t0 = now();
    for (let i = 0; i < 100_000; i++) now();
    const nowCostNs = ((now() - t0) / 100_000) * 1e6;

    const pool = new Pool({ workers: 2 });
    await pool.ready;
    const origin = performance.timeOrigin;
    const task = () => performance.timeOrigin + performance.now();
    for (let i = 0; i < 5000; i++) await pool.submit(task);
    const submit = [];
    const pickup = [];
    const back = [];
    const total = [];
    for (let i = 0; i < 5000; i++) {
      const a = now();
      const f = pool.submit(task);
      const b = now();
      const w = (await f) - origin;
      const c = now();
      submit.push(b - a);
      pickup.push(w - b);
      back.push(c - w);
      total.push(c - a);
    }
    // Back to back: per-task cost with 1,000 in flight.
    const n = 1000;
    const s0 = now();
    const fs = [];
    for (let i = 0; i < n; i++) fs.push(pool.submit(task));
    const s1 = now();
    const ws = await Promise.all(fs);
    const s2 = now();
    await pool.shutdown();
    return {
      timerStepUs: +(step * 1000).toFixed(1),
      nowCostNs: +nowCostNs.toFixed(1),
      oneAtATime: { submit: stats(submit), pickup: stats(pickup), back: stats(back), total: stats(total) },
      backToBack: {
        submitUsEach: +(((s1 - s0) / n) * 1000).toFixed(2),
        firstStartUs: +((Math.min(...ws) - origin - s0) * 1000).toFixed(1),
        lastStartUs: +((Math.max(...ws) - origin - s0) * 1000).toFixed(1),
        allDoneUs: +((s2 - s0) * 1000).toFixed(1),
        tasksPerSec: Math.round(n / ((s2 - s0) / 1000)),
      },
    };
  });
  console.log(`${browser.label} ${browser.version}${precise ? ', precise performance.now()' : ''}`);
  console.log(JSON.stringify(out, null, 1));
  // The raw primitives, each in a fresh page (a crash loses only its part).
  for (const mode of ['ping', 'poll', 'waitAsync']) {
    const p = await browser.newPage();
    await p.goto(`${server.url}/bench/bench.html`);
    const r = await p
      .evaluate(async (mode) => {
        const now = () => performance.now();
        const q = (a, p) => [...a].sort((x, y) => x - y)[Math.floor(p * a.length)];
        const stats = (a) => ({ p50: +(q(a, 0.5) * 1000).toFixed(1), p90: +(q(a, 0.9) * 1000).toFixed(1) });

        // Raw primitives with a plain worker: it waits (blocking) on word 0, then
        // sets word 1 and notifies it; the page sees it by polling or waitAsync.
        const sab = new SharedArrayBuffer(16);
        const i32 = new Int32Array(sab);
        // A file, not a blob: URL (a blob: worker crashed Firefox here).
        const worker = new Worker('/bench/raw-worker.js');
        if (mode !== 'ping') {
          await new Promise((r) => {
            worker.onmessage = r;
            worker.postMessage(sab);
          });
        }
        const notify = []; // the Atomics.notify call alone, a worker waiting
        const poll = [];
        const wait = [];
        for (let k = 1; k <= (mode === 'ping' ? 0 : 2000); k++) {
          const usePoll = mode === 'poll';
          const a = now();
          Atomics.store(i32, 0, k);
          Atomics.notify(i32, 0);
          notify.push(now() - a);
          if (usePoll) {
            while (Atomics.load(i32, 1) !== k);
          } else {
            const r = Atomics.waitAsync(i32, 1, k - 1);
            if (r.async) await r.value;
          }
          (usePoll ? poll : wait).push(now() - a);
          if (usePoll) await null;
        }
        const ping = [];
        for (let i = 0; i < (mode === 'ping' ? 2000 : 0); i++) {
          const a = now();
          await new Promise((r) => {
            worker.onmessage = r;
            worker.postMessage('ping');
          });
          ping.push(now() - a);
        }
        worker.terminate();
        if (mode === 'ping') return { roundTrip: stats(ping) };
        return { notifyCall: stats(notify), seen: stats(mode === 'poll' ? poll : wait) };
      }, mode)
      .catch((e) => `failed: ${e.message}`);
    console.log(`raw worker, ${mode}: ${JSON.stringify(r)}`);
    await p.close().catch(() => {});
  }
  await page.close();
} finally {
  await browser.close();
  await server.close();
}
