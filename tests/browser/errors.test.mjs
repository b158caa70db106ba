// Errors a task or a call raises: what the caller gets (type, name, message,
// worker-side stack), typed errors at the call site for bad input, a failing
// initializer; the pool keeps serving. (A non-isolated page: transport.test.mjs.)
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { browserName, closeAll, inPage, needs, openPage, transportName } from './harness.mjs';

after(closeAll);

// Where an inline task's frames say they come from. The worker compiles the
// task with `//# sourceURL=wasmpool-task.js`; JavaScriptCore (WebKit) leaves
// that out of Error.stack: an eval'd frame has no location at all, a line
// 'checkField@' (or '@' for an arrow function), so that is what is matched there.
const TASK_FRAMES = browserName() === 'webkit' ? '@$' : 'wasmpool-task\\.js';

test('a task error keeps its name and message, and carries the worker-side stack', async () => {
  const r = await inPage(
    `async ({ Pool }, taskFrames) => {
    await using pool = new Pool({ workers: 1 });
    const errors = [];
    for (const thrower of [
      () => { throw new TypeError('bad type'); },
      async () => { await null; throw new SyntaxError('async bad'); },
      () => { class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError'; } } throw new ValidationError('invalid'); },
      () => { throw new Error('outer', { cause: new RangeError('inner') }); },
    ]) {
      try { await pool.submit(thrower); } catch (e) {
        errors.push({ ctor: e.constructor.name, name: e.name, message: e.message, workerStack: new RegExp(taskFrames, 'm').test(e.stack), cause: e.cause ? [e.cause.name, e.cause.message] : null });
      }
    }
    return errors;
  }`,
    { arg: TASK_FRAMES },
  );
  assert.deepEqual(r, [
    { ctor: 'TypeError', name: 'TypeError', message: 'bad type', workerStack: true, cause: null },
    { ctor: 'SyntaxError', name: 'SyntaxError', message: 'async bad', workerStack: true, cause: null },
    { ctor: 'Error', name: 'ValidationError', message: 'invalid', workerStack: true, cause: null },
    { ctor: 'Error', name: 'Error', message: 'outer', workerStack: true, cause: ['RangeError', 'inner'] },
  ]);
});

test("a task error's stack starts with its name and message and names the task's functions, in every engine", async () => {
  // Firefox's own Error.prototype.stack is the frames alone ("fn@file:1:2",
  // no "TypeError: message" line as in V8): the codec adds the header, so the
  // stack reads the same from every engine. Both keep the frames of the eval'd
  // task, named after its functions and the task's sourceURL.
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    const stacks = [];
    for (const task of [
      function parseRecord(x) { return checkField(x); function checkField(y) { throw new TypeError('bad field ' + y); } },
      async function loadRecord(x) { await null; throw new RangeError('no record ' + x); },
      { validate(x) { throw new Error('invalid ' + x); } }.validate,
    ]) {
      try { await pool.submit(task, 7); } catch (e) { stacks.push(e.stack); }
    }
    return stacks;
  }`);
  assert.equal(r.length, 3);
  assert.match(r[0], /^TypeError: bad field 7\n/);
  assert.match(r[0], new RegExp(`checkField.*${TASK_FRAMES}`, 'm'));
  assert.match(r[0], new RegExp(`parseRecord.*${TASK_FRAMES}`, 'm'));
  assert.match(r[1], /^RangeError: no record 7\n/);
  assert.match(r[1], new RegExp(`loadRecord.*${TASK_FRAMES}`, 'm'));
  assert.match(r[2], /^Error: invalid 7\n/);
  assert.match(r[2], new RegExp(`validate.*${TASK_FRAMES}`, 'm'));
});

test('a task that throws (sync and async) rejects its future; the worker keeps serving', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    const ids = [];
    const outcomes = [];
    for (const fn of [() => { throw new TypeError('sync'); }, async () => { throw new RangeError('async'); }]) {
      outcomes.push(await pool.submit(fn).then(() => 'resolved', (e) => e.name + ':' + e.message));
      ids.push(await pool.submit(() => self.wasmpool.workerId));
    }
    return { outcomes, sameWorker: ids[0] === ids[1] };
  }`);
  assert.deepEqual(r, { outcomes: ['TypeError:sync', 'RangeError:async'], sameWorker: true });
});

test('a task that tries to use its own pool gets an immediate clear error, never a deadlock', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    globalThis.thePool = pool;
    const blocker = pool.submit((ms) => { const end = Date.now() + ms; while (Date.now() < end); return 1; }, 50);
    const nested = await pool.submit(async () => await thePool.submit(() => 1)).then(() => 'resolved', (e) => e.name + ': ' + e.message);
    return { nested, blocker: await blocker };
  }`);
  // V8/SpiderMonkey: "thePool is not defined"; JavaScriptCore: "Can't find variable: thePool".
  assert.match(
    r.nested,
    /^ReferenceError: (thePool is not defined|Can't find variable: thePool) .*cannot use variables from the page/,
  );
  assert.equal(r.blocker, 1);
});

test('bad input: a typed error at the call site, and the pool still works', async () => {
  const r = await inPage(`async ({ Pool, TaskOptions, asCompleted, wait }) => {
    await using pool = new Pool({ workers: 1, module: '/tests/browser/fixtures/tasks.js' });
    await pool.ready;
    const errors = {};
    const attempt = (label, fn) => { try { fn(); errors[label] = 'no error'; } catch (e) { errors[label] = e.name; } };
    attempt('number task', () => pool.submit(42));
    attempt('null task', () => pool.submit(null));
    attempt('unknown name', () => pool.submit('nope'));
    attempt('map non-iterable', () => pool.map((x) => x, 5));
    attempt('map null', () => pool.map((x) => x, null));
    for (const v of [0, -1, NaN, 1.5]) attempt('chunksize ' + v, () => pool.map((x) => x, [1], { chunksize: v }));
    for (const v of [0, -1, NaN, 1.5]) attempt('workers ' + v, () => new Pool({ workers: v }));
    for (const v of [-1, NaN, 'soon']) attempt('timeout ' + v, () => new TaskOptions({ timeout: v }));
    for (const v of [-1, NaN]) attempt('map timeout ' + v, () => pool.map((x) => x, [1], { timeout: v }));
    attempt('asCompleted timeout', () => asCompleted([], { timeout: -5 }));
    attempt('wait non-futures', () => wait([1, 2]));
    attempt('unsendable arg', () => pool.submit((f) => f, () => 1));
    attempt('unsendable nested', () => pool.submit((o) => o, { a: [1, Symbol('x')] }));
    attempt('cross-origin module', () => new Pool({ workers: 1, module: 'https://example.com/tasks.js' }));
    const afterAll = await pool.submit('double', 21);
    const byRef = await pool.submit((await import('/tests/browser/fixtures/tasks.js')).double, 5);
    const closed = new Pool({ workers: 1 });
    await closed.shutdown();
    attempt('submit after shutdown', () => closed.submit(() => 1));
    attempt('map after shutdown', () => closed.map((x) => x, [1]));
    return { errors, afterAll, byRef };
  }`);
  assert.deepEqual(r.errors, {
    'number task': 'TypeError',
    'null task': 'TypeError',
    'unknown name': 'TypeError',
    'map non-iterable': 'TypeError',
    'map null': 'TypeError',
    'chunksize 0': 'RangeError',
    'chunksize -1': 'RangeError',
    'chunksize NaN': 'RangeError',
    'chunksize 1.5': 'RangeError',
    'workers 0': 'RangeError',
    'workers -1': 'RangeError',
    'workers NaN': 'RangeError',
    'workers 1.5': 'RangeError',
    'timeout -1': 'RangeError',
    'timeout NaN': 'RangeError',
    'timeout soon': 'RangeError',
    'map timeout -1': 'RangeError',
    'map timeout NaN': 'RangeError',
    'asCompleted timeout': 'RangeError',
    'wait non-futures': 'TypeError',
    'unsendable arg': 'CloneError',
    'unsendable nested': 'CloneError',
    'cross-origin module': 'TypeError',
    'submit after shutdown': 'ShutdownError',
    'map after shutdown': 'ShutdownError',
  });
  assert.equal(r.afterAll, 42);
  assert.equal(r.byRef, 10);
});

test('a failing initializer breaks the pool: pending and later submissions get BrokenPoolError', async () => {
  const r = await inPage(`async ({ Pool, BrokenPoolError }) => {
    const pool = new Pool({ workers: 2, initializer: (x) => { if (x === 'bad') throw new Error('init exploded'); }, initargs: ['bad'] });
    const pending = pool.submit(() => 1);
    const settled = await pending.then(() => 'resolved', (e) => [e.name, e instanceof BrokenPoolError, /init exploded/.test(e.message)]);
    let later = null;
    try { pool.submit(() => 2); } catch (e) { later = e.name; }
    // Its workers will never answer: shutdown does not wait for them.
    const t = performance.now();
    await pool.shutdown();
    const shutdownMs = performance.now() - t;
    const ok = new Pool({ workers: 1, initializer: (v) => { self.initValue = v; }, initargs: [7] });
    const seen = await ok.submit(() => self.initValue);
    await ok.shutdown();
    return { settled, later, seen, shutdownMs };
  }`);
  const { shutdownMs, ...rest } = r;
  assert.deepEqual(rest, { settled: ['BrokenPoolError', true, true], later: 'BrokenPoolError', seen: 7 });
  // The grace period for idle workers to leave is 2 s; a broken pool skips it.
  assert.ok(shutdownMs < 1000, `shutdown of a broken pool took ${Math.round(shutdownMs)} ms`);
});

test('a wasm URL answered with an HTML page: every call fails with the same BrokenPoolError, which says how to fix it', {
  skip: needs('dom') && 'a Node.js pool reads its wasm from a file: no server can answer its URL with HTML',
}, async () => {
  // scripts/serve.mjs: under /html-for-wasm/ every .wasm URL answers with an
  // HTML page, as Vite's dev server does without optimizeDeps.exclude.
  const page = await openPage();
  const r = await page.evaluate(async () => {
    const { Pool, BrokenPoolError } = await import('/html-for-wasm/src/js/index.js');
    const outcome = async (call) => {
      try {
        await call();
        return 'ok';
      } catch (e) {
        return { broken: e instanceof BrokenPoolError, name: e.name, message: e.message };
      }
    };
    const pool = new Pool({ workers: 2, quiet: true });
    const early = outcome(() => pool.submit(() => 1)); // before the start failed
    const calls = {
      ready: await outcome(() => pool.ready),
      early: await early,
      alloc: await outcome(() => pool.alloc(Float64Array, 4)),
      submit: await outcome(() => pool.submit(() => 1)),
      map: await outcome(() => pool.map((x) => x, [1, 2, 3])),
      // The message transport's page loads no wasm: Rust tasks are what needs it.
      rustSubmit: await outcome(() => pool.submit('some_rust_task', 1)),
      rustMap: await outcome(() => pool.map('some_rust_task', [1, 2])),
    };
    await pool.shutdown();
    return { transport: pool.transport, calls };
  });
  await page.close();
  assert.equal(r.transport, transportName());
  const { calls } = r;
  const failed =
    r.transport === 'shared'
      ? ['ready', 'early', 'alloc', 'submit', 'map', 'rustSubmit', 'rustMap']
      : ['rustSubmit', 'rustMap'];
  if (r.transport === 'message') {
    // The pool itself starts and runs JS tasks; alloc needs the shared transport.
    assert.deepEqual([calls.ready, calls.early, calls.submit, calls.map], ['ok', 'ok', 'ok', 'ok']);
    assert.equal(calls.alloc.name, 'NotIsolatedError');
  }
  const first = calls[failed[0]];
  for (const what of failed) {
    assert.deepEqual(calls[what], first, `${what} fails with the same error as ${failed[0]}`);
  }
  assert.equal(first.broken, true, 'a BrokenPoolError');
  assert.equal(first.name, 'BrokenPoolError');
  assert.match(
    first.message,
    /\/html-for-wasm\/pkg\/wasmpool_bg\.wasm answered with an HTML page, not the wasm module/,
  );
  assert.match(first.message, /optimizeDeps: \{ exclude: \['wasmpool'\] \}/);
});
