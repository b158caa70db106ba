// Rust in the pool: Rust tasks by name (serde-wasm-bindgen, a kernel, rayon)
// and the Rust API (Pool::submit of a closure, Pool::map) seen from JS.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage } from './harness.mjs';

after(closeAll);

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
  assert.deepEqual(r, {
    add: 42,
    rowsLen: 256,
    rowsType: 'Uint32Array',
    inside: 100,
    rayonSums: [100000, 100000, 100000],
    badArgs: 'TypeError',
  });
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

// A closure submitted from Rust is boxed until a worker takes it; one whose
// task ends without running must be dropped then (its captures counted here).
test('Rust API: closures whose tasks never run are dropped (cancelled, shut down with them queued, terminated)', async () => {
  const r = await inPage(`async ({ Pool }) => {
    const glue = await import('/pkg/wasmpool.js');
    const out = {};
    for (const how of ['cancel', 'shutdown', 'terminate']) {
      const pool = new Pool({ workers: 1 });
      await pool.ready;
      out[how] = await glue.rust_closure_drops(pool, how);
      await pool.shutdown();
    }
    return out;
  }`);
  assert.deepEqual(r, { cancel: [10, 10], shutdown: [11, 11], terminate: [10, 10] });
});
