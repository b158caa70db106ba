// Issue 5: how code and data reach a worker.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeAll } from './harness.mjs';

after(closeAll);

let shared = null;
async function inPage(source) {
  const p = await (shared ??= openPage());
  return p.evaluate(async (src) => {
    const wp = await import('/src/js/index.js');
    return (0, eval)(`(${src})`)(wp);
  }, source);
}

test('a 64 MB shared array is processed in place by all workers, with no copy', async () => {
  const r = await inPage(`async ({ Pool }) => {
    const pool = new Pool({ workers: 2 });
    await pool.ready;
    const n = 8 * 1024 * 1024; // 8 Mi doubles = 64 MiB
    const data = pool.alloc(Float64Array, n);
    for (let i = 0; i < n; i++) data[i] = i;
    const parts = 16, step = n / parts;
    const t0 = performance.now();
    const futures = [];
    for (let p = 0; p < parts; p++) {
      futures.push(pool.submit((arr, from, to) => {
        for (let i = from; i < to; i++) arr[i] = arr[i] * 2 + 1;
        return [self.wasmpool.workerId, arr.length, arr.buffer instanceof SharedArrayBuffer];
      }, data, p * step, (p + 1) * step));
    }
    const dispatchMs = performance.now() - t0;
    const meta = await Promise.all(futures);
    let wrong = 0;
    for (let i = 0; i < n; i += 997) if (data[i] !== i * 2 + 1) wrong++;
    // A no-op dispatch with a 64 MiB argument costs the same as with none.
    const t1 = performance.now();
    for (let i = 0; i < 200; i++) await pool.submit((a) => a.length, data);
    const bigRoundTrip = (performance.now() - t1) / 200;
    const t2 = performance.now();
    for (let i = 0; i < 200; i++) await pool.submit(() => 0);
    const emptyRoundTrip = (performance.now() - t2) / 200;
    console.log('64 MiB shared array: dispatch of 16 tasks ' + dispatchMs.toFixed(2) + ' ms; round trip ' + (bigRoundTrip * 1000).toFixed(0) + ' µs vs ' + (emptyRoundTrip * 1000).toFixed(0) + ' µs without the array');
    const workers = new Set(meta.map((m) => m[0])).size;
    data.free();
    await pool.shutdown();
    return { wrong, workers, lengths: meta.every((m) => m[1] === n), sharedInWorker: meta.every((m) => m[2]), cheap: bigRoundTrip < emptyRoundTrip * 5 + 0.2 };
  }`);
  assert.deepEqual(r, { wrong: 0, workers: 2, lengths: true, sharedInWorker: true, cheap: true });
});

test('user SharedArrayBuffers pass by reference too; ArrayBuffers can be transferred', async () => {
  const r = await inPage(`async ({ Pool, TaskOptions }) => {
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    const sab = new SharedArrayBuffer(16);
    const view = new Int32Array(sab);
    await Promise.all([pool.submit((v) => { Atomics.add(v, 0, 5); }, view), pool.submit((v) => { Atomics.add(v, 0, 7); }, view)]);
    const buf = new Float64Array([1, 2, 3]).buffer;
    const sum = await pool.submit((b) => new Float64Array(b).reduce((a, x) => a + x, 0), buf, new TaskOptions({ transfer: [buf] }));
    let badTransfer = null;
    try { new TaskOptions({ transfer: 'nope' }); } catch (e) { badTransfer = e.name; }
    return { shared: view[0], sum, detached: buf.byteLength, badTransfer };
  }`);
  assert.deepEqual(r, { shared: 12, sum: 6, detached: 0, badTransfer: 'TypeError' });
});

test('the structured-clone family crosses both ways; other values are a TypeError naming the path', async () => {
  const r = await inPage(`async ({ Pool, CloneError }) => {
    await using pool = new Pool({ workers: 1 });
    const value = {
      n: 1.5, big: 2n ** 70n, s: 'héllo', nested: [1, [2, { three: 3 }]], m: new Map([['k', new Set([1, 2])]]),
      d: new Date(0), r: /x+/g, bytes: new Uint8Array([1, 2, 3]), ab: new ArrayBuffer(4), e: new RangeError('e'),
    };
    const back = await pool.submit((v) => v, value);
    const same = back.n === 1.5 && back.big === 2n ** 70n && back.s === 'héllo' && back.nested[1][1].three === 3 &&
      back.m.get('k').has(2) && back.d.getTime() === 0 && back.r.source === 'x+' && back.bytes[2] === 3 &&
      back.ab.byteLength === 4 && back.e instanceof RangeError;
    let err = null;
    try { pool.submit((v) => v, { items: [{ fine: 1 }, { cb: () => 1 }] }); } catch (e) { err = [e instanceof TypeError, e instanceof CloneError, e.path, e.message]; }
    const resultErr = await pool.submit(() => ({ f: () => 1 })).then(() => 'resolved', (e) => e.name + ': ' + e.message);
    return { same, err, resultErr };
  }`);
  assert.equal(r.same, true);
  assert.deepEqual(r.err.slice(0, 3), [true, true, 'args[0].items[1].cb']);
  assert.match(r.err[3], /function/);
  assert.match(r.resultErr, /^CloneError: Cannot send a function \(f\) at result\.f back to the page/);
});

test('inline functions compile once per worker; a closure over page variables fails with an explanation', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    const outside = 42;
    const closure = await pool.submit(() => outside).then(() => 'resolved', (e) => e.name + ': ' + e.message);
    const method = await pool.submit({ triple(x) { return x * 3; } }.triple, 5);
    let builtin = null;
    builtin = await pool.submit(Math.max, 1, 2).then((v) => 'resolved ' + v, (e) => e.name + ': ' + e.message);
    const counts = await Promise.all(Array.from({ length: 100 }, (_, i) => pool.submit((x) => { self.calls = (self.calls || 0) + 1; return x; }, i)));
    return { closure, method, builtin, counted: counts.length };
  }`);
  assert.match(r.closure, /^ReferenceError: outside is not defined .*pass the value as an argument/);
  assert.equal(r.method, 15);
  assert.match(r.builtin, /^TypeError: cannot compile the task function/);
});

test('async tasks are awaited in the worker', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    return pool.submit(async (x) => { await new Promise((r) => setTimeout(r, 10)); return x * 2; }, 21);
  }`);
  assert.equal(r, 42);
});

test('task modules: by name and by reference', async () => {
  const r = await inPage(`async ({ Pool }) => {
    const tasks = await import('/tests/browser/fixtures/tasks.js');
    await using pool = new Pool({ workers: 2, module: new URL('/tests/browser/fixtures/tasks.js', location.href) });
    return [await pool.submit('double', 4), await pool.submit(tasks.double, 5), await pool.submit(tasks.slowEcho, 'echo', 5), await pool.map(tasks.double, [1, 2, 3])];
  }`);
  assert.deepEqual(r, [8, 10, 'echo', [2, 4, 6]]);
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

test('Rust tasks: by name with serde-wasm-bindgen, a kernel, and one that uses rayon', async () => {
  const r = await inPage(`async ({ Pool, initRayon }) => {
    await initRayon(1);
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    const add = await pool.submit('add', 40, 2);
    const rows = await pool.submit('mandelbrot_rows', 64, 64, 30, 4, 100);
    const data = pool.alloc(Float64Array, 100_000);
    for (let i = 0; i < data.length; i++) data[i] = 1;
    const rayonSums = await Promise.all([pool.submit('rayon_sum', data), pool.submit('rayon_sum', data), pool.submit('sum_f64', data)]);
    data.free();
    let badArgs = null;
    badArgs = await pool.submit('mandelbrot_rows', 'x').then(() => 'resolved', (e) => e.name);
    return { add, rowsLen: rows.length, rowsType: rows.constructor.name, inside: rows[2 * 64 + 45], rayonSums, badArgs };
  }`);
  assert.deepEqual(r, { add: 42, rowsLen: 256, rowsType: 'Uint32Array', inside: 100, rayonSums: [100000, 100000, 100000], badArgs: 'TypeError' });
});

test('Rust API: Pool::submit of a closure and Pool::map over a slice, as JS promises', async () => {
  const r = await inPage(`async ({ Pool }) => {
    const glue = await import('/pkg/wasmpool.js');
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    const n = 1000;
    let expected = 0;
    for (let i = 0; i < n; i++) expected += i * i;
    const sum = await glue.rust_sum_of_squares(pool, n);
    const tripled = await glue.rust_submit_closure(pool, 14, false);
    const panicked = await glue.rust_submit_closure(pool, 7, true);
    const forged = await pool.submit('__wasmpool_closure', 12345).then(() => 'ran', (e) => e.name);
    const after = await glue.rust_submit_closure(pool, 5, false);
    return { sum, expected, tripled, panicked, forged, after };
  }`);
  assert.equal(r.sum, r.expected);
  assert.equal(r.tripled, 42);
  assert.match(r.panicked, /^task panicked: .*closure asked to panic with 7/);
  assert.equal(r.forged, 'TypeError', 'JS cannot make a worker call an arbitrary address');
  assert.equal(r.after, 15);
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
