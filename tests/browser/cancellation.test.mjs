// Stopping a running task: timeout, cancel({ force }) and AbortSignal (which
// terminate only its worker), and a task that watches its signal and stops
// cooperatively, keeping its worker. (Cancelling queued tasks: futures and
// shutdown.)
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage } from './harness.mjs';

after(closeAll);

test('a task that never returns: timeout, cancel({ force }), AbortSignal terminate only its worker', async () => {
  const r = await inPage(`async ({ Pool, TaskOptions, TimeoutError, CancelledError }) => {
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    const forever = () => { for (;;) {} };
    const bystander = pool.submit((ms) => { const end = Date.now() + ms; while (Date.now() < end); return 'bystander'; }, 300);
    const t0 = performance.now();
    const timedOut = await pool.submit(forever, new TaskOptions({ timeout: 100 })).then(() => 'resolved', (e) => e.name);
    const timeoutMs = performance.now() - t0;
    const f = pool.submit(forever);
    await new Promise((r) => setTimeout(r, 50));
    const forced = f.cancel({ force: true });
    const forcedOutcome = await f.then(() => 'resolved', (e) => e.name);
    const ac = new AbortController();
    const g = pool.submitWith({ signal: ac.signal, abortGrace: 50 }, forever);
    await new Promise((r) => setTimeout(r, 50));
    ac.abort(new Error('user gave up'));
    const aborted = await g.then(() => 'resolved', (e) => e.message);
    const stillServing = await pool.submit((x) => x * 3, 14);
    return { timedOut, timeoutFast: timeoutMs < 1000, forced, forcedOutcome, cancelled: f.cancelled(), aborted, bystander: await bystander, stillServing };
  }`);
  assert.deepEqual(r, {
    timedOut: 'TimeoutError',
    timeoutFast: true,
    forced: true,
    forcedOutcome: 'CancelledError',
    cancelled: true,
    aborted: 'user gave up',
    bystander: 'bystander',
    stillServing: 42,
  });
});

test('a task can observe its AbortSignal cooperatively and keep its worker', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    await pool.ready;
    const untilRunning = async (f) => { while (!f.running()) await new Promise((r) => setTimeout(r, 1)); };
    const ac = new AbortController();
    const coop = pool.submitWith({ signal: ac.signal, abortGrace: 5000 }, async () => {
      const signal = self.wasmpool.signal;
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      self.stoppedCooperatively = true;
      return 'stopped';
    });
    await untilRunning(coop);
    ac.abort();
    const outcome = await coop.then(() => 'resolved', (e) => e.name);
    // A synchronous loop sees self.wasmpool.aborted only through shared
    // memory: on the message transport its worker's event loop is blocked,
    // so the abort reaches it after the loop (abortGrace then terminates it).
    if (pool.transport === 'message') {
      const flag = await pool.submit(() => self.stoppedCooperatively === true);
      return { outcome, syncOutcome: 'AbortError', sameWorkerKeptState: flag };
    }
    const ac2 = new AbortController();
    const syncCoop = pool.submitWith({ signal: ac2.signal, abortGrace: 5000 }, () => {
      const end = Date.now() + 3000;
      while (Date.now() < end) { if (self.wasmpool.aborted) { self.noticedSync = true; return 'noticed'; } }
      return 'not noticed';
    });
    await untilRunning(syncCoop);
    ac2.abort();
    const syncOutcome = await syncCoop.then(() => 'resolved', (e) => e.name);
    const flag = await pool.submit(() => self.stoppedCooperatively === true && self.noticedSync === true);
    return { outcome, syncOutcome, sameWorkerKeptState: flag };
  }`);
  assert.equal(r.outcome, 'AbortError');
  assert.equal(r.syncOutcome, 'AbortError');
  assert.equal(r.sameWorkerKeptState, true, 'the worker was not replaced');
});

test('a signal already aborted at submit: the task never runs, even when a worker is idle', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    await pool.ready;
    const before = await pool.submit(() => self.wasmpool.workerId);
    const reason = new Error('gave up before it started');
    const f = pool.submitWith({ signal: AbortSignal.abort(reason) }, () => {
      self.ranAborted = true;
    });
    const outcome = await f.then(() => 'resolved', (e) => (e === reason ? 'its reason' : String(e)));
    const [workerId, ran] = await pool.submit(() => [self.wasmpool.workerId, self.ranAborted === true]);
    return { outcome, sameWorker: workerId === before, ran };
  }`);
  assert.deepEqual(r, { outcome: 'its reason', sameWorker: true, ran: false });
});

// A timed-out task may sit behind tasks whose results its worker has not
// sent yet: the pool still has to find and stop it, or the plain tasks the
// stuck worker holds, and shutdown, wait forever.
test('timeouts interleaved with plain tasks: every plain task settles and shutdown resolves', async () => {
  const r = await inPage(`async ({ Pool, TaskOptions }) => {
    const pool = new Pool({ workers: 3 });
    const pending = (p, ms) => Promise.race([p.then(() => false, () => false), new Promise((r) => setTimeout(() => r(true), ms))]);
    const timeouts = [];
    const plain = [];
    for (let round = 0; round < 4; round++) {
      timeouts.push(pool.submit(() => { for (;;) {} }, new TaskOptions({ timeout: 30 })));
      for (let i = 0; i < 10; i++) plain.push(pool.submit((x) => x * 2, round * 10 + i));
      await new Promise((r) => setTimeout(r, 10));
    }
    const outcomes = await Promise.all(timeouts.map((f) => f.then(() => 'resolved', (e) => e.name)));
    const stuck = (await Promise.all(plain.map((f) => pending(f, 5000)))).filter(Boolean).length;
    const values = stuck ? null : await Promise.all(plain);
    const shutdownHangs = await pending(pool.shutdown(), 5000);
    if (shutdownHangs) pool.terminate();
    return { outcomes, stuck, values: values && values.every((v, i) => v === i * 2), shutdownHangs };
  }`);
  assert.deepEqual(r, {
    outcomes: ['TimeoutError', 'TimeoutError', 'TimeoutError', 'TimeoutError'],
    stuck: 0,
    values: true,
    shutdownHangs: false,
  });
});

// An abort asks the task to stop and gives it abortGrace; its worker takes
// no new task meanwhile, so a kill at the end of the grace costs nothing else.
test('an abort past its grace on a worker with concurrency > 1 costs only the tasks already running there', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1, concurrency: 4 });
    await pool.ready;
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const ac = new AbortController();
    // Ignores its signal, so abortGrace ends with its worker terminated.
    const stubborn = pool.submitWith({ signal: ac.signal, abortGrace: 200 }, () => new Promise(() => {}));
    while (!stubborn.running()) await sleep(1);
    ac.abort();
    // Submitted during the grace: they must not start on the doomed worker.
    const later = Array.from({ length: 12 }, (_, i) => pool.submit(async (x) => {
      await new Promise((r) => setTimeout(r, 20));
      return x + 1;
    }, i));
    const outcomes = await Promise.all(later.map((f) => f.then((v) => v, (e) => e.name)));
    return { aborted: await stubborn.then(() => 'resolved', (e) => e.name), outcomes };
  }`);
  assert.equal(r.aborted, 'AbortError');
  assert.deepEqual(
    r.outcomes,
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
});
