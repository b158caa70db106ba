// The Future a submit returns (state, cancel, result/exception with timeouts,
// done-callbacks, progress) and waiting on several: asCompleted and wait.
// (The same module without a browser: tests/node/future.test.mjs and
// waiting.test.mjs.)
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage, sharedPage } from './harness.mjs';

after(closeAll);

test('a Future is thenable; its state methods follow Python', async () => {
  const r = await inPage(`async ({ Pool, Future }) => {
    await using pool = new Pool({ workers: 1 });
    await pool.ready;
    const blocker = pool.submit((ms) => { const end = Date.now() + ms; while (Date.now() < end); return 'slow'; }, 150);
    const queued = pool.submit((x) => x, 1);
    await new Promise((r) => setTimeout(r, 50));
    const s = {
      isFuture: blocker instanceof Future,
      blockerRunning: blocker.running(), blockerDone: blocker.done(), cancelRunning: blocker.cancel(),
      queuedRunning: queued.running(), cancelQueued: queued.cancel(), cancelAgain: queued.cancel(),
      queuedCancelled: queued.cancelled(), queuedDone: queued.done(),
    };
    s.value = await blocker;
    s.doneAfter = blocker.done();
    s.cancelDone = blocker.cancel();
    s.cancelledResult = await queued.result().then(() => 'resolved', (e) => e.name);
    s.cancelledException = await queued.exception().then(() => 'resolved', (e) => e.name);
    return s;
  }`);
  assert.deepEqual(r, {
    isFuture: true,
    blockerRunning: true,
    blockerDone: false,
    cancelRunning: false,
    queuedRunning: false,
    cancelQueued: true,
    cancelAgain: true,
    queuedCancelled: true,
    queuedDone: true,
    value: 'slow',
    doneAfter: true,
    cancelDone: false,
    cancelledResult: 'CancelledError',
    cancelledException: 'CancelledError',
  });
});

test('result/exception with timeout reject with TimeoutError and leave the task running', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    const f = pool.submit((ms) => { const end = Date.now() + ms; while (Date.now() < end); return 'finished'; }, 200);
    const t1 = await f.result({ timeout: 20 }).then(() => 'resolved', (e) => e.name);
    const t2 = await f.exception({ timeout: 20 }).then(() => 'resolved', (e) => e.name);
    const stillRunning = !f.done() && !f.cancelled();
    const value = await f.result({ timeout: 5000 });
    const ok = pool.submit(() => 1);
    const exc = await ok.exception();
    const bad = pool.submit(() => { throw new RangeError('nope'); });
    const badExc = await bad.exception();
    return { t1, t2, stillRunning, value, exc, badExc: [badExc.name, badExc.message] };
  }`);
  assert.deepEqual(r, {
    t1: 'TimeoutError',
    t2: 'TimeoutError',
    stillRunning: true,
    value: 'finished',
    exc: null,
    badExc: ['RangeError', 'nope'],
  });
});

test('addDoneCallback: on finish, on cancel, immediately when done; a throwing callback is reported and harmless', async () => {
  const p = await sharedPage();
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    const calls = [];
    const blocker = pool.submit((ms) => { const end = Date.now() + ms; while (Date.now() < end); return 1; }, 80);
    const queued = pool.submit(() => 2);
    blocker.addDoneCallback((f) => calls.push(['blocker', f === blocker]));
    blocker.addDoneCallback(() => { throw new Error('callback bug'); });
    queued.addDoneCallback((f) => calls.push(['queued', f.cancelled()]));
    queued.cancel();
    await blocker;
    blocker.addDoneCallback(() => calls.push(['late', true]));
    const after = await pool.submit((x) => x * 2, 21);
    return { calls, after };
  }`);
  assert.deepEqual(r.calls, [
    ['queued', true],
    ['blocker', true],
    ['late', true],
  ]);
  assert.equal(r.after, 42, 'the pool still works after a throwing callback');
  assert.ok(
    p.logs.some((l) => /^error: .*done-callback/.test(l) && /callback bug/.test(l)),
    p.logs.join('\n'),
  );
});

test('progress reports reach the future as events and as an async iterator', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    const f = pool.submit(async (n) => {
      for (let i = 1; i <= n; i++) { self.wasmpool.progress(i / n); await new Promise((r) => setTimeout(r, 5)); }
      return 'done';
    }, 4);
    const events = [];
    f.onProgress((p) => events.push(p));
    const iterated = [];
    for await (const p of f.progress()) iterated.push(p);
    return { result: await f, events, iterated };
  }`);
  assert.equal(r.result, 'done');
  assert.deepEqual(r.events, [0.25, 0.5, 0.75, 1]);
  assert.deepEqual(r.iterated, [0.25, 0.5, 0.75, 1]);
});

// Progress and result may travel apart (a message and shared memory): the
// future settles only after every report its task sent before returning has
// been delivered. Public API only, so it holds for every transport.
test('a task reporting 1..1000 then returning: all 1000 reports, in order, before the future settles', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 2 });
    const report = (n) => { for (let i = 1; i <= n; i++) self.wasmpool.progress(i); return n; };
    const runs = [];
    for (let run = 0; run < 5; run++) {
      const f = pool.submit(report, 1000);
      const events = [];
      f.onProgress((v) => events.push(v));
      const iterating = (async () => { const seen = []; for await (const v of f.progress()) seen.push(v); return seen; })();
      const value = await f;
      const atSettle = events.length;
      const iterated = await iterating;
      runs.push({ value, atSettle, inOrder: events.every((v, i) => v === i + 1), iterated: iterated.length,
        iteratedInOrder: iterated.every((v, i) => v === i + 1) });
    }
    // The no-progress path and a progress task side by side.
    const plain = await Promise.all(Array.from({ length: 200 }, (_, i) => pool.submit((x) => x, i)));
    return { runs, plainOk: plain.every((v, i) => v === i) };
  }`);
  for (const run of r.runs) {
    assert.deepEqual(run, { value: 1000, atSettle: 1000, inOrder: true, iterated: 1000, iteratedInOrder: true });
  }
  assert.equal(r.plainOk, true);
});

test('asCompleted: finished futures first, then completion order, duplicates once, TimeoutError', async () => {
  const r = await inPage(`async ({ Pool, asCompleted, Future: wp_Future }) => {
    await using pool = new Pool({ workers: 3 });
    // All three workers must be running: the first task's completion does
    // not mean the others have started (in Firefox they often have not, and
    // a task queued behind a starting worker finishes late).
    await pool.ready;
    const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); return ms; };
    const early = pool.submit(spin, 0);
    await early;
    const fs = [pool.submit(spin, 120), pool.submit(spin, 10), pool.submit(spin, 60)];
    const order = [];
    for await (const f of asCompleted([fs[0], early, fs[1], fs[2], fs[1]])) order.push(f instanceof wp_Future ? await f : 'not a Future');
    let timeout = null;
    const got = [];
    try {
      for await (const f of asCompleted([pool.submit(spin, 5), pool.submit(spin, 400)], { timeout: 100 })) got.push(await f);
    } catch (e) { timeout = e.name; }
    return { order, timeout, got };
  }`);
  assert.deepEqual(r.order, [0, 10, 60, 120]);
  assert.equal(r.timeout, 'TimeoutError');
  assert.deepEqual(r.got, [5]);
});

test('wait: FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, timeout', async () => {
  const r = await inPage(`async ({ Pool, wait, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED }) => {
    await using pool = new Pool({ workers: 3 });
    const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); return ms; };
    const a = [pool.submit(spin, 10), pool.submit(spin, 200)];
    const first = await wait(a, { returnWhen: FIRST_COMPLETED });
    const b = [pool.submit(spin, 200), pool.submit(() => { throw new Error('x'); }), pool.submit(spin, 250)];
    const exc = await wait(b, { returnWhen: FIRST_EXCEPTION });
    const all = await wait(a, { returnWhen: ALL_COMPLETED });
    const c = [pool.submit(spin, 300)];
    const timed = await wait(c, { timeout: 30 });
    let bad = null;
    try { wait(c, { returnWhen: 'SOMETIMES' }); } catch (e) { bad = e.name; }
    return {
      first: [first.done.size, first.notDone.size, first.done.has(a[0])],
      exc: [exc.done.has(b[1]), exc.notDone.has(b[2])],
      all: [all.done.size, all.notDone.size],
      timed: [timed.done.size, timed.notDone.size],
      bad,
    };
  }`);
  assert.deepEqual(r, { first: [1, 1, true], exc: [true, true], all: [2, 0], timed: [0, 1], bad: 'RangeError' });
});
