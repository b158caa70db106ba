// Issue 2: the walking skeleton in real headless Chromium with real workers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeAll } from './harness.mjs';

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
      futures.push(pool.submit((x) => { let s = 0; for (let k = 0; k < 2000; k++) s += k; return [x * 3 + s, self.wasmpool.workerId]; }, i));
    }
    const results = await Promise.all(futures);
    await pool.shutdown();
    const expectedExtra = 1999 * 2000 / 2;
    return {
      wrong: results.filter(([v], i) => v !== i * 3 + expectedExtra).length,
      count: results.length,
      perWorker: Object.values(results.reduce((m, [, id]) => ((m[id] = (m[id] || 0) + 1), m), {})),
    };
  });
  assert.equal(r.count, 10_000);
  assert.equal(r.wrong, 0);
  assert.equal(r.perWorker.length, 3, `tasks ran on ${r.perWorker.length} of 3 workers`);
  for (const n of r.perWorker) assert.ok(n > 0);
});

test('steady state sends no postMessage per task', async () => {
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
    await pool.submit(() => 1); // warm up
    const burst = async (n) => {
      const before = { ...counts };
      const futures = [];
      for (let i = 0; i < n; i++) futures.push(pool.submit((x) => x + 1, i));
      const out = await Promise.all(futures);
      if (out[n - 1] !== n) throw new Error('wrong result');
      return counts.toWorkers - before.toWorkers + counts.fromWorkers - before.fromWorkers;
    };
    const small = await burst(100);
    const large = await burst(20_000);
    await pool.shutdown();
    globalThis.Worker = RealWorker;
    return { small, large, total: counts };
  });
  // With Atomics.waitAsync (Chromium has it) no message crosses at all per burst.
  assert.equal(r.small, 0, `messages during a 100-task burst: ${r.small}`);
  assert.equal(r.large, 0, `messages during a 20,000-task burst: ${r.large}`);
  // Start-up and exit do use messages: the counter itself works.
  assert.ok(r.total.toWorkers >= 2 && r.total.fromWorkers >= 2, JSON.stringify(r.total));
});

test('a page without COOP/COEP gets an error naming both headers', async () => {
  const page = await openPage({ isolated: false });
  const r = await page.evaluate(async () => {
    const { Pool, NotIsolatedError } = await import('/src/js/index.js');
    try {
      new Pool({ workers: 1 });
      return { thrown: false };
    } catch (e) {
      return { thrown: true, typed: e instanceof NotIsolatedError, name: e.name, message: e.message };
    }
  });
  assert.ok(r.thrown, 'new Pool() must throw on a non-isolated page');
  assert.ok(r.typed);
  assert.equal(r.name, 'NotIsolatedError');
  assert.match(r.message, /Cross-Origin-Opener-Policy: same-origin/);
  assert.match(r.message, /Cross-Origin-Embedder-Policy: require-corp/);
});

test('shutdown() with tasks in flight settles every promise and leaves no worker', async () => {
  const page = await openPage();
  const r = await page.evaluate(async () => {
    let live = 0;
    const RealWorker = globalThis.Worker;
    globalThis.Worker = class TrackedWorker extends RealWorker {
      constructor(...args) { super(...args); live++; }
      terminate() { if (!this.gone) { this.gone = true; live--; } return super.terminate(); }
    };
    const { Pool } = await import('/src/js/index.js');
    const pool = new Pool({ workers: 2, slots: 64 });
    // More tasks than slots, some slow, so some are running, some queued, some in the backlog.
    const futures = [];
    for (let i = 0; i < 300; i++) {
      futures.push(pool.submit((x) => { const end = Date.now() + (x % 50 === 0 ? 20 : 0); while (Date.now() < end); return x; }, i));
    }
    await new Promise((r) => setTimeout(r, 5));
    const shutdown = pool.shutdown();
    let afterError = null;
    try { pool.submit(() => 1); } catch (e) { afterError = e.name; }
    const settled = await Promise.allSettled(futures);
    await shutdown;
    const liveAfter = live;
    globalThis.Worker = RealWorker;
    return {
      fulfilled: settled.filter((s) => s.status === 'fulfilled' && s.value === settled.indexOf(s)).length,
      rejected: settled.filter((s) => s.status === 'rejected').map((s) => s.reason.name),
      afterError,
      liveAfter,
    };
  });
  // Python semantics: shutdown(wait=true) lets every submitted task finish.
  assert.equal(r.fulfilled + r.rejected.length, 300);
  assert.equal(r.fulfilled, 300);
  assert.equal(r.afterError, 'ShutdownError');
  assert.equal(r.liveAfter, 0, 'every worker was terminated');
});

test('shutdown({ cancelFutures }) cancels queued tasks with a clear error', async () => {
  const page = await openPage();
  const r = await page.evaluate(async () => {
    const { Pool } = await import('/src/js/index.js');
    const pool = new Pool({ workers: 1, slots: 8 });
    await pool.ready;
    const futures = [];
    for (let i = 0; i < 50; i++) futures.push(pool.submit((x) => { const end = Date.now() + 5; while (Date.now() < end); return x; }, i));
    await new Promise((r) => setTimeout(r, 2));
    await pool.shutdown({ cancelFutures: true });
    const settled = await Promise.allSettled(futures);
    return {
      ok: settled.filter((s) => s.status === 'fulfilled').length,
      cancelled: settled.filter((s) => s.status === 'rejected' && s.reason.name === 'CancelledError').length,
      other: settled.filter((s) => s.status === 'rejected' && s.reason.name !== 'CancelledError').map((s) => String(s.reason)),
      futuresCancelled: futures.filter((f) => f.cancelled()).length,
    };
  });
  assert.deepEqual(r.other, []);
  assert.equal(r.ok + r.cancelled, 50);
  assert.ok(r.cancelled > 30, `only ${r.cancelled} of 50 were cancelled`);
  assert.equal(r.futuresCancelled, r.cancelled);
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
