// How data reaches a worker: shared allocations and user SharedArrayBuffers
// by reference (no copy), transferred ArrayBuffers, and the structured-clone
// family both ways with a CloneError naming the path of anything else. On the
// message transport nothing is shared: pool.alloc is a NotIsolatedError and
// arrays travel as copies (the tests of sharing check that instead).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage, transportName } from './harness.mjs';

after(closeAll);

const message = transportName() === 'message';

test('message transport: pool.alloc is a NotIsolatedError naming isolation; a large array travels as a copy', {
  skip: !message && 'the shared transport shares (next test)',
}, async () => {
  const r = await inPage(`async ({ Pool, NotIsolatedError }) => {
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    let alloc;
    try { pool.alloc(Float64Array, 4); } catch (e) { alloc = [e instanceof NotIsolatedError, e.message]; }
    const data = new Float64Array(1 << 20).map((_, i) => i);
    const back = await Promise.all([0, 1].map((h) => pool.submit((arr, h) => {
      const half = arr.length / 2;
      for (let i = h * half; i < (h + 1) * half; i++) arr[i] = arr[i] * 2 + 1;
      return arr.subarray(h * half, (h + 1) * half);
    }, data, h)));
    let wrong = 0;
    for (let h = 0; h < 2; h++) for (let i = 0; i < back[h].length; i += 997) if (back[h][i] !== (h * back[0].length + i) * 2 + 1) wrong++;
    return { alloc, wrong, pageCopyUnchanged: data[5] === 5, lengths: back.map((b) => b.length) };
  }`);
  assert.equal(r.alloc[0], true);
  assert.match(r.alloc[1], /Cross-Origin-Embedder-Policy/);
  assert.deepEqual([r.wrong, r.pageCopyUnchanged, r.lengths], [0, true, [1 << 19, 1 << 19]]);
});

test('a 64 MB shared array is processed in place by all workers, with no copy', {
  skip: message && 'zero-copy pool.alloc needs shared memory (message transport: previous test)',
}, async () => {
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
  // A plain page has no SharedArrayBuffer: there only the transfer is checked.
  const r = await inPage(`async ({ Pool, TaskOptions }) => {
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    const view = { 0: 12 };
    if (pool.transport === 'shared') {
      const sab = new SharedArrayBuffer(16);
      view[0] = 0;
      const shared = new Int32Array(sab);
      await Promise.all([pool.submit((v) => { Atomics.add(v, 0, 5); }, shared), pool.submit((v) => { Atomics.add(v, 0, 7); }, shared)]);
      view[0] = shared[0];
    }
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

test('a SharedArrayBuffer sent while some workers are still starting reaches every worker', async () => {
  // Message transport: no SharedArrayBuffer; the same tasks carry a copy, each counted once.
  const r = await inPage(
    `async ({ Pool }) => {
    await using pool = new Pool({ workers: 4, maxTasksPerChild: 3 });
    await pool.submit(() => 0); // one worker is up; the others may still be starting
    const shared = new Int32Array(pool.transport === 'shared' ? new SharedArrayBuffer(16) : new ArrayBuffer(16));
    const seen = await Promise.all(
      Array.from({ length: 24 }, () => pool.submit((a) => { Atomics.add(a, 0, 1); return [self.wasmpool.workerId, a[0]]; }, shared)),
    );
    if (pool.transport === 'message') shared[0] = seen.reduce((n, s) => n + s[1], 0);
    return { count: shared[0], workers: new Set(seen.map((s) => s[0])).size };
  }`,
    { fresh: true },
  );
  assert.equal(r.count, 24);
  assert.ok(r.workers >= 4, 'the tasks ran on several workers, replacements included');
});
