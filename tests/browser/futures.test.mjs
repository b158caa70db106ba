// Issue 3: the concurrent.futures surface in real Chromium.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeAll } from './harness.mjs';

after(closeAll);

let pagePromise = null;
const page = () => (pagePromise ??= openPage());

// Runs `source` (an async arrow function taking the wasmpool module) in the
// page. Bodies are strings because they use syntax Node 20 cannot parse
// (`await using`), which the browser under test supports.
async function inPage(source, arg) {
  const p = await page();
  return p.evaluate(
    async ([src, arg]) => {
      const wp = await import('/src/js/index.js');
      const fn = (0, eval)(`(${src})`);
      return fn(wp, arg);
    },
    [source, arg],
  );
}

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
    isFuture: true, blockerRunning: true, blockerDone: false, cancelRunning: false,
    queuedRunning: false, cancelQueued: true, cancelAgain: true, queuedCancelled: true, queuedDone: true,
    value: 'slow', doneAfter: true, cancelDone: false,
    cancelledResult: 'CancelledError', cancelledException: 'CancelledError',
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
  assert.deepEqual(r, { t1: 'TimeoutError', t2: 'TimeoutError', stillRunning: true, value: 'finished', exc: null, badExc: ['RangeError', 'nope'] });
});

test('addDoneCallback: on finish, on cancel, immediately when done; a throwing callback is reported and harmless', async () => {
  const p = await page();
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
  assert.deepEqual(r.calls, [['queued', true], ['blocker', true], ['late', true]]);
  assert.equal(r.after, 42, 'the pool still works after a throwing callback');
  assert.ok(p.logs.some((l) => /^error: .*done-callback/.test(l) && /callback bug/.test(l)), p.logs.join('\n'));
});

test('a task error keeps its name and message, and carries the worker-side stack', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    const errors = [];
    for (const thrower of [
      () => { throw new TypeError('bad type'); },
      async () => { await null; throw new SyntaxError('async bad'); },
      () => { class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError'; } } throw new ValidationError('invalid'); },
      () => { throw new Error('outer', { cause: new RangeError('inner') }); },
    ]) {
      try { await pool.submit(thrower); } catch (e) {
        errors.push({ ctor: e.constructor.name, name: e.name, message: e.message, workerStack: /wasmpool-task\\.js/.test(e.stack), cause: e.cause ? [e.cause.name, e.cause.message] : null });
      }
    }
    return errors;
  }`);
  assert.deepEqual(r, [
    { ctor: 'TypeError', name: 'TypeError', message: 'bad type', workerStack: true, cause: null },
    { ctor: 'SyntaxError', name: 'SyntaxError', message: 'async bad', workerStack: true, cause: null },
    { ctor: 'Error', name: 'ValidationError', message: 'invalid', workerStack: true, cause: null },
    { ctor: 'Error', name: 'Error', message: 'outer', workerStack: true, cause: ['RangeError', 'inner'] },
  ]);
});

test('map: input order, zipped iterables stop at the shortest, awaitable and async-iterable', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 2 });
    const squares = await pool.map((x) => x * x, [1, 2, 3, 4, 5]);
    const zipped = await pool.map((a, b) => \`\${a}\${b}\`, ['a', 'b', 'c'], [1, 2]);
    // Items finish out of order; iteration still yields in input order.
    const seen = [];
    for await (const v of pool.map((ms) => { const end = Date.now() + ms; while (Date.now() < end); return ms; }, [40, 1, 30, 2, 20, 3], { chunksize: 1 })) seen.push(v);
    const empty = await pool.map((x) => x, []);
    const chunked = await pool.map((x) => x + 1, Array.from({ length: 1000 }, (_, i) => i), { chunksize: 7 });
    return { squares, zipped, seen, empty, chunkedOk: chunked.every((v, i) => v === i + 1) && chunked.length === 1000 };
  }`);
  assert.deepEqual(r, { squares: [1, 4, 9, 16, 25], zipped: ['a1', 'b2'], seen: [40, 1, 30, 2, 20, 3], empty: [], chunkedOk: true });
});

test('map: an item error surfaces when that item is reached; timeout raises TimeoutError', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 2 });
    const got = [];
    let error = null;
    try {
      for await (const v of pool.map((x) => { if (x === 3) throw new RangeError(\`item \${x}\`); return x; }, [1, 2, 3, 4], { chunksize: 2 })) got.push(v);
    } catch (e) { error = [e.name, e.message]; }
    const awaited = await pool.map((x) => { if (x === 2) throw new Error('two'); return x; }, [1, 2, 3]).then(() => 'resolved', (e) => e.message);
    const t0 = performance.now();
    const timeout = await pool.map((ms) => { const end = Date.now() + ms; while (Date.now() < end); return ms; }, [300, 300], { timeout: 50, chunksize: 1 })
      .then(() => 'resolved', (e) => e.name);
    return { got, error, awaited, timeout, quick: performance.now() - t0 < 250 };
  }`);
  assert.deepEqual(r, { got: [1, 2], error: ['RangeError', 'item 3'], awaited: 'two', timeout: 'TimeoutError', quick: true });
});

test('map: the default chunksize makes 100,000 tiny items cheap', async () => {
  const r = await inPage(`async ({ Pool, defaultChunksize }) => {
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    const items = Array.from({ length: 100_000 }, (_, i) => i);
    const t0 = performance.now();
    const out = await pool.map((x) => x * 2, items);
    const ms = performance.now() - t0;
    console.log(\`map over 100,000 tiny items: \${ms.toFixed(1)} ms\`);
    return { ok: out.length === 100_000 && out.every((v, i) => v === i * 2), chunk: defaultChunksize(100_000, 2) };
  }`);
  assert.equal(r.ok, true);
  assert.equal(r.chunk, 12_500);
});

test('map: async iterables and endless generators, with a bounded number in flight', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 2 });
    let pulled = 0;
    function* naturals() { for (let i = 0; ; i++) { pulled++; yield i; } }
    const first = [];
    for await (const v of pool.map((x) => x * 10, naturals(), { buffersize: 4 })) {
      first.push(v);
      if (first.length === 50) break;
    }
    const pulledAtStop = pulled;
    async function* slowSource() { for (let i = 0; i < 20; i++) { await new Promise((r) => setTimeout(r, 1)); yield i; } }
    const fromAsync = await pool.map((x, y) => x + y, slowSource(), [100, 100, 100]);
    return { first: first.slice(0, 5), count: first.length, inOrder: first.every((v, i) => v === i * 10), pulledAtStop, fromAsync };
  }`);
  assert.deepEqual(r.first, [0, 10, 20, 30, 40]);
  assert.equal(r.count, 50);
  assert.ok(r.inOrder);
  // 50 consumed + at most buffersize (4) chunks of 1 in flight (+1 being pulled).
  assert.ok(r.pulledAtStop <= 50 + 5, `pulled ${r.pulledAtStop} items from the endless generator`);
  assert.deepEqual(r.fromAsync, [100, 101, 102]);
});

test('asCompleted: finished futures first, then completion order, duplicates once, TimeoutError', async () => {
  const r = await inPage(`async ({ Pool, asCompleted, Future: wp_Future }) => {
    await using pool = new Pool({ workers: 3 });
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

test('shutdown: submit/map throw afterwards; await using shuts down; invalid workers is a RangeError', async () => {
  const r = await inPage(`async ({ Pool }) => {
    const pool = new Pool({ workers: 2 });
    const running = pool.submit((ms) => { const end = Date.now() + ms; while (Date.now() < end); return 'done'; }, 100);
    const t0 = performance.now();
    await pool.shutdown({ wait: true });
    const waited = performance.now() - t0 > 50 && running.done();
    const errs = [];
    try { pool.submit(() => 1); } catch (e) { errs.push(e.name); }
    try { pool.map((x) => x, [1]); } catch (e) { errs.push(e.name); }
    let disposedPool;
    {
      await using p2 = new Pool({ workers: 1 });
      disposedPool = p2;
      await p2.submit(() => 1);
    }
    try { disposedPool.submit(() => 1); } catch (e) { errs.push('disposed:' + e.name); }
    const ranges = [];
    for (const workers of [0, -1, 1.5, NaN, '2', 100000]) {
      try { new Pool({ workers }); ranges.push('no error'); } catch (e) { ranges.push(e.name); }
    }
    const dflt = new Pool();
    const defaultWorkers = dflt.workers === navigator.hardwareConcurrency;
    await dflt.shutdown();
    return { waited, value: await running, errs, ranges, defaultWorkers };
  }`);
  assert.deepEqual(r, {
    waited: true, value: 'done', errs: ['ShutdownError', 'ShutdownError', 'disposed:ShutdownError'],
    ranges: ['RangeError', 'RangeError', 'RangeError', 'RangeError', 'RangeError', 'RangeError'], defaultWorkers: true,
  });
});

test('a failing initializer breaks the pool: pending and later submissions get BrokenPoolError', async () => {
  const r = await inPage(`async ({ Pool, BrokenPoolError }) => {
    const pool = new Pool({ workers: 2, initializer: (x) => { if (x === 'bad') throw new Error('init exploded'); }, initargs: ['bad'] });
    const pending = pool.submit(() => 1);
    const settled = await pending.then(() => 'resolved', (e) => [e.name, e instanceof BrokenPoolError, /init exploded/.test(e.message)]);
    let later = null;
    try { pool.submit(() => 2); } catch (e) { later = e.name; }
    const ok = new Pool({ workers: 1, initializer: (v) => { self.initValue = v; }, initargs: [7] });
    const seen = await ok.submit(() => self.initValue);
    await ok.shutdown();
    return { settled, later, seen };
  }`);
  assert.deepEqual(r, { settled: ['BrokenPoolError', true, true], later: 'BrokenPoolError', seen: 7 });
});
