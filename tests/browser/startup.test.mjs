// A pool's start: tasks submitted before its workers are up (in the turn
// that makes the pool, and in the microtasks, timers and done-callbacks while
// it starts) all run, and the page's completion loop, which begins with the
// first task handed to the workers, runs without an error.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, openPage, transportName } from './harness.mjs';

after(closeAll);

test('tasks submitted while a pool starts all resolve, and the completion loop never fails', async () => {
  const page = await openPage(); // a fresh page: its first pool loads the runtime
  const r = await page.evaluate(
    async ({ slowClock }) => {
      const { Pool } = await import('/src/js/index.js');
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      // The runtime's wasm compiles late: the workers, spawned meanwhile,
      // have loaded their scripts and start at once on the pool's first message.
      const HOLD_MS = 1000;
      const compilers = { compile: WebAssembly.compile, compileStreaming: WebAssembly.compileStreaming };
      for (const [name, real] of Object.entries(compilers)) {
        if (real) WebAssembly[name] = (...args) => sleep(HOLD_MS).then(() => real(...args));
      }
      // Shared transport: a slow clock stretches the completion loop's first
      // poll (tens of µs, begun by the first task the pool publishes) until a
      // worker has run that task, so results come back while the tasks
      // submitted during the start are still being moved into slots. (The
      // page's spin probe reads it too: its idle workers spin longer.)
      const restoreClock = () => delete performance.now;
      if (slowClock) {
        const now = performance.now.bind(performance);
        const t0 = now();
        performance.now = () => t0 + (now() - t0) / 100_000;
      }
      try {
        // Few slots: most tasks wait in the page's backlog while it starts.
        const pool = new Pool({ workers: 2, slots: 8 });
        const futures = [];
        const expected = [];
        const submit = (n) => {
          for (let i = 0; i < n; i++) {
            const k = futures.length;
            if (k % 3 === 2) {
              expected.push(300 + k);
              futures.push(pool.submit((s) => s.length, 'x'.repeat(300 + k))); // arguments too large for a slot: on the heap
            } else {
              expected.push(2 * k);
              futures.push(pool.submit((x) => x * 2, k));
            }
          }
        };
        submit(40); // in the turn that makes the pool
        futures[0].addDoneCallback(() => {
          restoreClock();
          submit(10); // from the first result's callback, inside the completion loop
        });
        queueMicrotask(() => submit(10));
        await null;
        submit(10);
        // Timers while it starts, some around the moment its runtime arrives.
        const delays = [0, 0, 5, 50, 200, HOLD_MS - 10, HOLD_MS, HOLD_MS + 10, HOLD_MS + 200];
        await Promise.all(delays.map((ms) => sleep(ms).then(() => submit(12))));
        await Promise.race([pool.ready, sleep(20_000)]);
        submit(500); // a burst once started: the loop still settles futures
        const outcomes = await Promise.race([Promise.allSettled(futures), sleep(20_000).then(() => [])]);
        const unsettled = futures.filter((f) => !f.done()).length;
        const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason));
        const wrong = outcomes.filter((o, k) => o.status === 'fulfilled' && o.value !== expected[k]).length;
        if (unsettled > 0) await pool.terminate();
        else await pool.shutdown();
        return { count: futures.length, unsettled, failed: failed.slice(0, 3), wrong };
      } finally {
        restoreClock();
        for (const [name, real] of Object.entries(compilers)) if (real) WebAssembly[name] = real;
      }
    },
    { slowClock: transportName() === 'shared' },
  );
  const logs = page.logs.join('\n');
  await page.close();
  assert.ok(r.count > 600, `${r.count} tasks`);
  assert.equal(r.unsettled, 0, `${r.unsettled} of ${r.count} futures never settled\n${logs}`);
  assert.deepEqual(r.failed, [], logs);
  assert.equal(r.wrong, 0);
  assert.doesNotMatch(logs, /completion loop failed|^pageerror/m, logs);
});
