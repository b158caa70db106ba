// Pool.submit in real Chromium with real workers: results, spread over the
// workers, dispatch through shared memory (no postMessage per task, and the
// postMessage fallback without Atomics.waitAsync), async tasks, per-worker
// concurrency and the maxQueueSize bound.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage, needs, openPage, transportName } from './harness.mjs';

after(closeAll);

test('10,000 submits resolve to the right values and spread over every worker', async () => {
  const page = await openPage();
  const r = await page.evaluate(async () => {
    const { Pool } = await import('/src/js/index.js');
    const pool = new Pool({ workers: 3 });
    await pool.ready; // every worker is asleep on the futex before the burst
    const futures = [];
    for (let i = 0; i < 10_000; i++) {
      // A few microseconds of work per task so that every worker gets a share.
      futures.push(
        pool.submit((x) => {
          let s = 0;
          for (let k = 0; k < 2000; k++) s += k;
          return [x * 3 + s, self.wasmpool.workerId];
        }, i),
      );
    }
    const results = await Promise.all(futures);
    await pool.shutdown();
    const expectedExtra = (1999 * 2000) / 2;
    const perWorker = {};
    for (const [, id] of results) perWorker[id] = (perWorker[id] || 0) + 1;
    return {
      wrong: results.filter(([v], i) => v !== i * 3 + expectedExtra).length,
      count: results.length,
      perWorker: Object.values(perWorker),
    };
  });
  assert.equal(r.count, 10_000);
  assert.equal(r.wrong, 0);
  assert.equal(r.perWorker.length, 3, `tasks ran on ${r.perWorker.length} of 3 workers`);
  for (const n of r.perWorker) assert.ok(n > 0);
});

test('steady state sends no postMessage per task (message transport: batches of many)', {
  skip: needs('workerGlobal'),
}, async () => {
  const page = await openPage();
  const r = await page.evaluate(async () => {
    // Count every message that crosses to or from a worker. Workers are real:
    // this subclass only counts.
    const counts = { toWorkers: 0, fromWorkers: 0 };
    const RealWorker = globalThis.Worker;
    globalThis.Worker = class CountingWorker extends RealWorker {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', () => counts.fromWorkers++);
      }
      postMessage(...args) {
        counts.toWorkers++;
        return super.postMessage(...args);
      }
    };
    const { Pool } = await import('/src/js/index.js');
    const pool = new Pool({ workers: 2 });
    await pool.ready;
    const burst = async (n) => {
      const before = { ...counts };
      const futures = [];
      for (let i = 0; i < n; i++) futures.push(pool.submit((x) => x + 1, i));
      const out = await Promise.all(futures);
      if (out[n - 1] !== n) throw new Error('wrong result');
      const to = counts.toWorkers - before.toWorkers;
      const from = counts.fromWorkers - before.fromWorkers;
      return { messages: to + from, to, from };
    };
    await burst(1000); // warm up (the message transport sizes its batches by the tasks' time)
    const { messages: small, ...smallWays } = await burst(100);
    const { messages: large } = await burst(20_000);
    await pool.shutdown();
    globalThis.Worker = RealWorker;
    return { small, smallWays, large, total: counts };
  });
  if (transportName() === 'message') {
    // Tasks and results must cross by message there, batched: a message per
    // task would be 200 for a burst of 100. On a quiet machine it takes one
    // per worker each way (4). How many more depends on timing: the page
    // sizes batches by the tasks' measured time, and a worker preempted
    // mid-burst sends the results it has every FLUSH_MS (worker/message/batch-loop.js):
    // a loaded machine takes about twice as many. So the bound is 5 tasks a
    // message. A burst of 20,000 takes at least 25 (up to 256).
    assert.ok(r.small <= 100 / 5, `messages during a 100-task burst: ${r.small} ${JSON.stringify(r.smallWays)}`);
    assert.ok(r.large <= 20_000 / 25, `messages during a 20,000-task burst: ${r.large}`);
  } else {
    // With Atomics.waitAsync (Chromium has it) no message crosses at all per burst.
    assert.equal(r.small, 0, `messages during a 100-task burst: ${r.small}`);
    assert.equal(r.large, 0, `messages during a 20,000-task burst: ${r.large}`);
  }
  // Start-up and exit do use messages: the counter itself works.
  assert.ok(r.total.toWorkers >= 2 && r.total.fromWorkers >= 2, JSON.stringify(r.total));
});

test('without Atomics.waitAsync the pool falls back to one postMessage wake-up per wait', async () => {
  const page = await openPage();
  const r = await page.evaluate(async () => {
    delete Atomics.waitAsync; // before the module is loaded: it checks once
    const { Pool } = await import('/src/js/index.js?no-wait-async');
    const pool = new Pool({ workers: 2 });
    const out = await Promise.all(Array.from({ length: 2000 }, (_, i) => pool.submit((x) => x * 2, i)));
    const seq = [];
    for (let i = 0; i < 50; i++) seq.push(await pool.submit((x) => x + 1, i));
    await pool.shutdown();
    return { ok: out.every((v, i) => v === i * 2), seqOk: seq.every((v, i) => v === i + 1) };
  });
  assert.deepEqual(r, { ok: true, seqOk: true });
});

test('async tasks are awaited in the worker', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    return pool.submit(async (x) => { await new Promise((r) => setTimeout(r, 10)); return x * 2; }, 21);
  }`);
  assert.equal(r, 42);
});

test('concurrency: a worker keeps several async tasks in flight (default 1)', async () => {
  const r = await inPage(`async ({ Pool }) => {
    const sleepTask = async (ms) => { await new Promise((r) => setTimeout(r, ms)); return self.wasmpool.workerId; };
    const timeIt = async (pool) => {
      await pool.ready;
      const t = performance.now();
      const ids = await Promise.all(Array.from({ length: 8 }, () => pool.submit(sleepTask, 100)));
      return { ms: performance.now() - t, workers: new Set(ids).size };
    };
    const one = new Pool({ workers: 1 });
    const eight = new Pool({ workers: 1, concurrency: 8 });
    const serial = await timeIt(one);
    const overlapped = await timeIt(eight);
    // Sync tasks still work, and errors in overlapped async tasks stay with their own future.
    const mixed = await Promise.allSettled([eight.submit(async () => { throw new Error('x'); }), eight.submit((v) => v, 3), eight.submit(sleepTask, 5)]);
    await one.shutdown(); await eight.shutdown();
    let bad = null;
    try { new Pool({ concurrency: 0 }); } catch (e) { bad = e.name; }
    return { serialMs: serial.ms, overlappedMs: overlapped.ms, mixed: mixed.map((m) => m.status), bad };
  }`);
  assert.ok(r.serialMs >= 780, `8 × 100 ms one at a time took ${r.serialMs} ms`);
  assert.ok(r.overlappedMs < 400, `8 × 100 ms with concurrency 8 took ${r.overlappedMs} ms`);
  assert.deepEqual(r.mixed, ['rejected', 'fulfilled', 'fulfilled']);
  assert.equal(r.bad, 'RangeError');
});

test('maxQueueSize rejects submissions beyond it with QueueFullError', async () => {
  const r = await inPage(`async ({ Pool, QueueFullError }) => {
    await using pool = new Pool({ workers: 1, maxQueueSize: 5 });
    await pool.ready;
    const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); return ms; };
    const fs = Array.from({ length: 12 }, () => pool.submit(spin, 20));
    const settled = await Promise.allSettled(fs);
    const full = settled.filter((s) => s.status === 'rejected' && s.reason instanceof QueueFullError).length;
    const ok = settled.filter((s) => s.status === 'fulfilled').length;
    const later = await pool.submit(() => 'room again');
    return { full, ok, later };
  }`);
  assert.ok(r.full >= 5 && r.full <= 7, `${r.full} rejected`);
  assert.equal(r.full + r.ok, 12);
  assert.equal(r.later, 'room again');
});
