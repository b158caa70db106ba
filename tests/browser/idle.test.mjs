// Idle workers (src/sched/README.md, "Idle workers"): after a short hot
// window a worker sleeps cold, in Atomics.waitAsync, with no periodic
// wake-up. Its event loop must still run what it has to, and the next task,
// a shutdown or an abort must still reach it. Each test idles for over a
// second, far past the hot window, so every worker is cold when it acts.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage, transportName } from './harness.mjs';

after(closeAll);

// On the message transport a worker with no task simply has an idle event
// loop (no cold sleep), and a plain page has no SharedArrayBuffer: these
// tests see the worker's side effects through a later task there instead.
const message = transportName() === 'message';

// A lost wake-up must fail a test, not hang the suite.
const TEST_TIMEOUT = 30_000;

// In the page: resolves after `ms`, then gives `what` at most 5 s more, so a
// lost wake-up is a failure with a message, not a test hang.
const HELPERS = `
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const within5s = (promise, what) => Promise.race([
    promise,
    sleep(5000).then(() => { throw new Error(what + ' did not arrive within 5 s (lost wake-up?)'); }),
  ]);
`;

test('a worker idle for over a second takes the next task', { timeout: TEST_TIMEOUT }, async () => {
  const r = await inPage(`async ({ Pool }) => {
    ${HELPERS}
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    const first = await pool.submit((x) => x + 1, 1);
    const results = [];
    for (let round = 0; round < 3; round++) {
      await sleep(1100);
      results.push(await within5s(pool.submit((x) => x * 2, round + 10), 'the task after idling'));
    }
    // Both workers cold at once, then a burst for both.
    await sleep(1100);
    const burst = await within5s(Promise.all([1, 2, 3, 4].map((x) => pool.submit((v) => v * v, x))), 'a burst');
    return { first, results, burst };
  }`);
  assert.deepEqual(r, { first: 2, results: [20, 22, 24], burst: [1, 4, 9, 16] });
});

test("a task's timer fires while its worker is idle", { timeout: TEST_TIMEOUT }, async () => {
  const r = await inPage(`async ({ Pool }) => {
    ${HELPERS}
    await using pool = new Pool({ workers: 1 });
    await pool.ready;
    if (pool.transport === 'message') {
      await pool.submit(() => { setTimeout(() => { self.timerFired = 1; }, 100); return 'scheduled'; });
      await sleep(1100);
      return { outcome: 'asked', flag: await pool.submit(() => self.timerFired ?? 0) };
    }
    const flag = new Int32Array(new SharedArrayBuffer(8));
    // The task returns at once; its timer fires 100 ms later, when the
    // worker has no task and has gone cold. Nothing is submitted meanwhile.
    await pool.submit((f) => {
      setTimeout(() => { Atomics.store(f, 0, 1); Atomics.notify(f, 0); }, 100);
      return 'scheduled';
    }, flag);
    const fired = Atomics.waitAsync(flag, 0, 0, 5000);
    const outcome = fired.async ? await fired.value : fired.value;
    return { outcome, flag: flag[0] };
  }`);
  assert.equal(r.flag, 1, `the timer did not fire while the worker idled (${r.outcome})`);
});

test('an async task awaiting for a second still sees its abort signal', { timeout: TEST_TIMEOUT }, async () => {
  const r = await inPage(`async ({ Pool, TaskOptions }) => {
    ${HELPERS}
    await using pool = new Pool({ workers: 1 });
    await pool.ready;
    const seen = new Int32Array(pool.transport === 'shared' ? new SharedArrayBuffer(8) : new ArrayBuffer(8));
    const controller = new AbortController();
    const future = pool.submit(async (s) => {
      await new Promise((resolve) => self.wasmpool.signal.addEventListener('abort', resolve));
      Atomics.store(s, 0, 1);
      Atomics.notify(s, 0);
      self.sawAbort = 1;
      return 'stopped';
    }, seen, new TaskOptions({ signal: controller.signal, abortGrace: 5000 }));
    await sleep(1100); // the worker's event loop idles while its task awaits
    controller.abort();
    const error = await future.then(() => null, (e) => e.name);
    if (pool.transport === 'shared') {
      const wake = Atomics.waitAsync(seen, 0, 0, 5000);
      if (wake.async) await wake.value;
    }
    // The worker is still healthy and takes the next task.
    const next = await within5s(pool.submit(() => 'next'), 'the task after the abort');
    if (pool.transport === 'message') seen[0] = await pool.submit(() => self.sawAbort ?? 0);
    return { error, seen: seen[0], next };
  }`);
  assert.deepEqual(r, { error: 'AbortError', seen: 1, next: 'next' });
});

test('a cold worker receives a SharedArrayBuffer registered after it went idle', {
  timeout: TEST_TIMEOUT,
  skip: message && 'the message transport shares no buffers (everything is copied: data.test.mjs)',
}, async () => {
  const r = await inPage(`async ({ Pool }) => {
    ${HELPERS}
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    await Promise.all([pool.submit(() => 1), pool.submit(() => 2)]);
    await sleep(1100);
    // A buffer the page has never sent: it reaches the workers by message,
    // which their event loops must deliver while they sleep cold.
    const shared = new Float64Array(new SharedArrayBuffer(64));
    shared.fill(1.5);
    // Two workers run these at once: count with Atomics (on an Int32Array
    // over the last element), not a[0] += 1, whose read-modify-write races
    // and lost an increment in Firefox.
    const sums = await within5s(
      Promise.all([0, 1, 2, 3].map(() => pool.submit((a) => { Atomics.add(new Int32Array(a.buffer, 56, 1), 0, 1); return a.length; }, shared))),
      'tasks on a new SharedArrayBuffer',
    );
    return { sums, first: shared[0], count: new Int32Array(shared.buffer, 56, 1)[0] };
  }`);
  assert.deepEqual(r, { sums: [8, 8, 8, 8], first: 1.5, count: 4 });
});

test('shutdown of an idle pool is prompt: cold workers wake and leave by themselves', {
  timeout: TEST_TIMEOUT,
}, async () => {
  const r = await inPage(`async ({ Pool }) => {
    ${HELPERS}
    const pool = new Pool({ workers: 4 });
    await Promise.all([1, 2, 3, 4].map((x) => pool.submit((v) => v, x)));
    await sleep(1100);
    const t = performance.now();
    await within5s(pool.shutdown(), 'shutdown');
    return { ms: performance.now() - t };
  }`);
  // Workers that did not wake would be terminated after the 2 s grace period.
  assert.ok(r.ms < 2000, `shutdown of an idle pool took ${Math.round(r.ms)} ms: the cold workers did not wake`);
});
