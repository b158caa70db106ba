// Rust in the pool: Rust tasks by name (serde-wasm-bindgen, a kernel, rayon)
// and the Rust API (Pool::submit of a closure, Pool::map) seen from JS.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage, transportName } from './harness.mjs';

after(closeAll);

const message = transportName() === 'message';

test("message transport: Rust tasks run on each worker's own instance; rayon and the Rust API need isolation", {
  skip: !message && "the shared transport runs them on the page's memory (next tests)",
}, async () => {
  const r = await inPage(`async ({ Pool, initRayon, NotIsolatedError }) => {
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    const add = await pool.submit('add', 40, 2);
    const rows = await pool.submit('mandelbrot_rows', 64, 64, 30, 4, 100);
    const sum = await pool.submit('sum_f64', new Float64Array(100_000).fill(1));
    const badArgs = await pool.submit('mandelbrot_rows', 'x').then(() => 'resolved', (e) => e.name);
    let unknown = null;
    try { pool.submit('no_such_rust_task'); } catch (e) { unknown = e.name; }
    let forged = null;
    try { pool.submit('__wasmpool_closure', 12345); } catch (e) { forged = e.name; }
    let rayon = null;
    try { await initRayon(1); } catch (e) { rayon = e instanceof NotIsolatedError; }
    return { add, rowsLen: rows.length, inside: rows[2 * 64 + 45], sum, badArgs, unknown, forged, rayon };
  }`);
  assert.deepEqual(r, {
    add: 42,
    rowsLen: 256,
    inside: 100,
    sum: 100000,
    badArgs: 'TypeError',
    unknown: 'TypeError',
    forged: 'TypeError',
    rayon: true,
  });
});

test('Rust tasks: by name with serde-wasm-bindgen, a kernel, and one that uses rayon', {
  skip: message && 'rayon and pool.alloc need shared memory (message transport: previous test)',
}, async () => {
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

test('Rust API: Pool::submit of a closure and Pool::map over a slice, as JS promises', {
  skip: message && "the Rust API's closures live in the page's wasm memory, shared with the workers",
}, async () => {
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
