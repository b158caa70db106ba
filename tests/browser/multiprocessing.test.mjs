// Python's multiprocessing.Pool API in real Chromium: apply/applyAsync and
// AsyncResult, the map family, imap/imapUnordered, initializer state,
// maxTasksPerChild, close/terminate/join, callbacks on the main thread.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage, transportName } from './harness.mjs';

after(closeAll);

test('apply and applyAsync with AsyncResult get/wait/ready/successful and callbacks', async () => {
  const r = await inPage(`async ({ multiprocessing }) => {
    await using pool = new multiprocessing.Pool({ processes: 2 });
    const sum = await pool.apply((a, b) => a + b, [2, 3]);
    const calls = [];
    const slow = pool.applyAsync((ms) => { const end = Date.now() + ms; while (Date.now() < end); return 'slow'; }, [100], { callback: (v) => calls.push(['cb', v]) });
    let notReady = null;
    try { slow.successful(); } catch (e) { notReady = e.name; }
    const readyBefore = slow.ready();
    const timedOut = await slow.get({ timeout: 10 }).then(() => 'resolved', (e) => e.name);
    const waited = await slow.wait({ timeout: 5 });
    const value = await slow.get();
    const bad = pool.applyAsync(() => { throw new RangeError('bad'); }, [], { errorCallback: (e) => calls.push(['err', e.message]) });
    const badValue = await bad.get().then(() => 'resolved', (e) => e.name);
    return { sum, notReady, readyBefore, timedOut, waited, value, readyAfter: slow.ready(), ok: slow.successful(), badOk: bad.successful(), badValue, calls };
  }`);
  assert.deepEqual(r, {
    sum: 5,
    notReady: 'PoolError',
    readyBefore: false,
    timedOut: 'TimeoutError',
    waited: undefined,
    value: 'slow',
    readyAfter: true,
    ok: true,
    badOk: false,
    badValue: 'RangeError',
    calls: [
      ['cb', 'slow'],
      ['err', 'bad'],
    ],
  });
});

test('map, mapAsync, starmap, starmapAsync, and the CPython default chunksize', async () => {
  const r = await inPage(`async ({ multiprocessing, defaultChunksize }) => {
    await using pool = new multiprocessing.Pool({ processes: 2 });
    const squares = await pool.map((x) => x * x, [1, 2, 3, 4]);
    const chunked = await pool.map((x) => x + 1, Array.from({ length: 100 }, (_, i) => i), 7);
    let got = null;
    const mapAsync = pool.mapAsync((x) => -x, [1, 2, 3], undefined, { callback: (v) => { got = v; } });
    const mapAsyncValue = await mapAsync.get();
    const star = await pool.starmap((a, b) => a * b, [[2, 3], [4, 5]]);
    const starAsync = await pool.starmapAsync((a, b) => a - b, [[9, 3]]).get();
    const badChunk = [];
    for (const c of [0, -1, 1.5, NaN]) { try { pool.map((x) => x, [1], c); badChunk.push('no error'); } catch (e) { badChunk.push(e.name); } }
    return { squares, chunkedOk: chunked.every((v, i) => v === i + 1), mapAsyncValue, got, star, starAsync, badChunk, d: [defaultChunksize(100, 2), defaultChunksize(1, 8), defaultChunksize(1000, 4)] };
  }`);
  assert.deepEqual(r, {
    squares: [1, 4, 9, 16],
    chunkedOk: true,
    mapAsyncValue: [-1, -2, -3],
    got: [-1, -2, -3],
    star: [6, 20],
    starAsync: [6],
    badChunk: ['RangeError', 'RangeError', 'RangeError', 'RangeError'],
    d: [13, 1, 63],
  });
});

// Completion order is set by the page, not by timing: each task blocks on
// its own gate (Atomics.wait, in the worker) until the page opens it.
// Gates the page opens to decide when tasks finish: `gated([gates, i, v])`
// returns v once gate i is open, `counted` also counts itself done. Shared
// memory where there is some (a worker blocks in Atomics.wait); on a plain
// page a BroadcastChannel, where a waiting task asks for its gate (so an
// opening that came first is not missed) and the page answers once it is open.
const GATES =
  transportName() === 'shared'
    ? `
  const gates = new Int32Array(new SharedArrayBuffer(64));
  const done = new Int32Array(new SharedArrayBuffer(4));
  const doneCount = () => Atomics.load(done, 0);
  const open = (i) => { Atomics.store(gates, i, 1); Atomics.notify(gates, i); };
  const gated = ([g, i, v]) => { Atomics.wait(g, i, 0); return v; };
  const counted = ([g, i, v, d]) => { Atomics.wait(g, i, 0); Atomics.add(d, 0, 1); return v; };
`
    : `
  const gates = 'gates-' + Math.random();
  const done = gates;
  const opened = new Set();
  let finished = 0;
  const doneCount = () => finished;
  const channel = new BroadcastChannel(gates);
  channel.onmessage = ({ data }) => {
    if (data === 'done') finished++;
    else if (opened.has(data)) channel.postMessage(data);
  };
  const open = (i) => { opened.add(i); channel.postMessage(i); };
  const gated = async ([g, i, v]) => {
    const c = new BroadcastChannel(g);
    await new Promise((resolve) => { c.onmessage = ({ data }) => { if (data === i) resolve(); }; c.postMessage(i); });
    c.close();
    return v;
  };
  const counted = async ([g, i, v]) => {
    const c = new BroadcastChannel(g);
    await new Promise((resolve) => { c.onmessage = ({ data }) => { if (data === i) resolve(); }; c.postMessage(i); });
    c.postMessage('done');
    c.close();
    return v;
  };
`;

test('imap is ordered, imapUnordered is in completion order, next({ timeout }) keeps the item', async () => {
  const r = await inPage(`async ({ multiprocessing }) => {
    ${GATES}
    await using pool = new multiprocessing.Pool({ processes: 3 });
    await pool.apply(() => 0); // started, so the gates array can be sent by reference
    // Items complete in the order 5, 30, 60, whatever the input order.
    const ordered = [];
    const run = (async () => { for await (const v of pool.imap(counted, [[gates, 0, 60, done], [gates, 1, 5, done], [gates, 2, 30, done]])) ordered.push(v); })();
    for (const [gate, count] of [[1, 1], [2, 2]]) {
      open(gate);
      while (doneCount() < count) await new Promise((r) => setTimeout(r, 1));
    }
    open(0);
    await run;
    const unordered = [];
    const it = pool.imapUnordered(gated, [[gates, 3, 60], [gates, 4, 5], [gates, 5, 30]])[Symbol.asyncIterator]();
    for (const gate of [4, 5, 3]) {
      open(gate);
      unordered.push((await it.next()).value);
    }
    const timed = pool.imap(gated, [[gates, 6, 150], [gates, 7, 1]]);
    const first = await timed.next({ timeout: 10 }).then(() => 'resolved', (e) => e.name);
    open(6);
    open(7);
    const second = await timed.next({ timeout: 5000 });
    const third = await timed.next();
    const fourth = await timed.next();
    return { ordered, unordered, first, second: second.value, third: third.value, fourthDone: fourth.done };
  }`);
  assert.deepEqual(r.ordered, [60, 5, 30]);
  assert.deepEqual(r.unordered, [5, 30, 60]);
  assert.equal(r.first, 'TimeoutError');
  assert.equal(r.second, 150, 'the timed-out item is not skipped');
  assert.equal(r.third, 1);
  assert.equal(r.fourthDone, true);
});

test('imap yields the results before an input error, then raises it (CPython test_imap_handle_iterable_exception)', async () => {
  const r = await inPage(`async ({ multiprocessing }) => {
    await using pool = new multiprocessing.Pool({ processes: 2 });
    class SourceError extends Error {}
    function* raisingAt(n) { for (let i = 0; ; i++) { if (i === n) throw new SourceError(\`no item \${i}\`); yield i; } }
    const outcome = async (it) => {
      const got = [];
      try { for await (const v of it) got.push(v); } catch (e) { return { got, error: [e instanceof SourceError, e.message] }; }
      return { got, error: null };
    };
    const square = (x) => x * x;
    const imap = await outcome(pool.imap(square, raisingAt(3), 1));
    const chunked = await outcome(pool.imap(square, raisingAt(10), 3));
    const unordered = await outcome(pool.imapUnordered(square, raisingAt(3), 1));
    // next() after the error: the iterator is done.
    const it = pool.imap(square, raisingAt(1));
    const steps = [await it.next(), await it.next().catch((e) => e.message), await it.next()];
    return { imap, chunked, unordered, steps };
  }`);
  const error = (n) => [true, `no item ${n}`];
  assert.deepEqual(r.imap, { got: [0, 1, 4], error: error(3) });
  assert.deepEqual(r.chunked, { got: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81], error: error(10) });
  assert.deepEqual(r.unordered.error, error(3));
  assert.deepEqual(
    r.unordered.got.sort((a, b) => a - b),
    [0, 1, 4],
  );
  assert.deepEqual(r.steps, [{ value: 0, done: false }, 'no item 1', { value: undefined, done: true }]);
});

test('initializer state is visible to later tasks, in replacement workers too', async () => {
  const r = await inPage(`async ({ multiprocessing }) => {
    await using pool = new multiprocessing.Pool({
      processes: 2, maxTasksPerChild: 3,
      initializer: (tag) => { self.initTag = tag + ':' + self.wasmpool.workerId; },
      initargs: ['init'],
    });
    const seen = await pool.map(() => [self.initTag, self.wasmpool.workerId], Array.from({ length: 24 }, (_, i) => i), 1);
    return seen;
  }`);
  for (const [tag, id] of r) assert.equal(tag, `init:${id}`, 'each worker ran the initializer itself');
  assert.ok(new Set(r.map(([, id]) => id)).size >= 8, 'workers were replaced (24 tasks, 3 per child)');
});

test('maxTasksPerChild retires workers without losing tasks, and replacement frees their memory', async () => {
  const r = await inPage(`async ({ multiprocessing }) => {
    const pool = new multiprocessing.Pool({ processes: 2, maxTasksPerChild: 5 });
    const out = await pool.map((x) => [x * 2, self.wasmpool.workerId], Array.from({ length: 100 }, (_, i) => i), 1);
    const perWorker = {};
    for (const [, id] of out) perWorker[id] = (perWorker[id] || 0) + 1;
    // 1,000 replacements: the shared memory must not grow with them.
    const churn = new multiprocessing.Pool({ processes: 2, maxTasksPerChild: 1 });
    await churn.map((x) => x, Array.from({ length: 100 }, (_, i) => i), 1);
    // (The message transport's workers each have a memory of their own, gone with them.)
    const shared = churn.transport === 'shared';
    const rt = shared ? await (await import('/src/js/runtime.js')).loadRuntime() : { memory: { buffer: { byteLength: 0 } } };
    const before = rt.memory.buffer.byteLength;
    const ids = new Set();
    for (const [, id] of await churn.map((x) => [x, self.wasmpool.workerId], Array.from({ length: 1000 }, (_, i) => i), 1)) ids.add(id);
    const after = rt.memory.buffer.byteLength;
    churn.close();
    await churn.join();
    pool.close();
    await pool.join();
    return { ok: out.every(([v], i) => v === i * 2), maxPerWorker: Math.max(...Object.values(perWorker)), workers: Object.keys(perWorker).length, ids: ids.size, before, after };
  }`);
  assert.equal(r.ok, true);
  assert.ok(r.maxPerWorker <= 5, `a worker ran ${r.maxPerWorker} tasks`);
  assert.ok(r.workers >= 20, `${r.workers} workers served 100 tasks at 5 per child`);
  assert.equal(r.ids, 1000, '1,000 tasks ran on 1,000 distinct workers');
  // A leak would grow the memory by a stack (1 MiB) per replacement: ~1 GB
  // here. A retiring worker and its replacement can briefly need one more
  // stack than the warm-up happened to, so up to two stacks' worth of growth
  // is allowed.
  const grew = r.after - r.before;
  assert.ok(grew <= 2 * 2 ** 20, `wasm memory grew from ${r.before} to ${r.after} bytes over 1,000 replacements`);
});

test('close lets queued tasks finish; terminate rejects outstanding ones; join before close is an error; await using terminates', async () => {
  const r = await inPage(`async ({ multiprocessing }) => {
    const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); return ms; };
    const a = new multiprocessing.Pool({ processes: 1 });
    const queued = [a.applyAsync(spin, [30]), a.applyAsync(spin, [30]), a.applyAsync(spin, [30])];
    let joinEarly = null;
    try { a.join(); } catch (e) { joinEarly = e.name; }
    a.close();
    let afterClose = null;
    try { a.apply(spin, [1]); } catch (e) { afterClose = e.name; }
    await a.join();
    const closedResults = await Promise.all(queued.map((q) => q.get()));

    const b = new multiprocessing.Pool({ processes: 2 });
    await b.ready;
    const outstanding = [b.applyAsync(spin, [5000]), b.applyAsync(spin, [5000]), b.applyAsync(spin, [10])];
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await b.terminate();
    await b.join();
    const terminateMs = performance.now() - t0;
    const terminated = await Promise.all(outstanding.map((o) => o.get().then(() => 'resolved', (e) => e.name + ': ' + e.message)));

    let disposed;
    const t1 = performance.now();
    {
      await using c = new multiprocessing.Pool({ processes: 1 });
      disposed = c.applyAsync(spin, [5000]);
      await new Promise((r) => setTimeout(r, 50));
    }
    const disposeMs = performance.now() - t1;
    const disposedResult = await disposed.get().then(() => 'resolved', (e) => e.name);
    return { joinEarly, afterClose, closedResults, terminated, terminateFast: terminateMs < 1000, disposedResult, disposeFast: disposeMs < 1500 };
  }`);
  assert.deepEqual(r.closedResults, [30, 30, 30]);
  assert.equal(r.joinEarly, 'PoolError');
  assert.equal(r.afterClose, 'PoolError');
  assert.equal(r.terminated.length, 3);
  assert.match(r.terminated[0], /^ShutdownError: .*terminated/);
  assert.match(r.terminated[1], /^ShutdownError: .*terminated/);
  assert.ok(r.terminateFast, 'terminate() does not wait for running tasks');
  assert.equal(r.disposedResult, 'ShutdownError');
  assert.ok(r.disposeFast, 'await using terminates instead of waiting');
});

test('callbacks run on the main thread in completion order', async () => {
  const r = await inPage(`async ({ multiprocessing }) => {
    ${GATES}
    await using pool = new multiprocessing.Pool({ processes: 3 });
    await pool.apply(() => 0);
    const order = [];
    const results = [90, 10, 50].map((v, i) =>
      pool.applyAsync(gated, [[gates, i, v]], { callback: (x) => order.push([x, globalThis.wasmpool === undefined]) }),
    );
    // Completion order 10, 50, 90: each gate opens once the callback before it ran.
    for (const [gate, seen] of [[1, 1], [2, 2], [0, 3]]) {
      open(gate);
      while (order.length < seen) await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(results.map((x) => x.get()));
    return order;
  }`);
  assert.deepEqual(r, [
    [10, true],
    [50, true],
    [90, true],
  ]);
});
