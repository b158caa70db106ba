// Rust in the pool: Rust tasks by name (serde-wasm-bindgen, a kernel, rayon)
// and the Rust API (Pool::submit of a closure, Pool::map) seen from JS, on the
// demo crate's wasm (crates/wasmpool-demo, which depends on wasmpool as an
// application crate would); and the npm package's wasm, which has none of them.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { browserName, closeAll, DEMO, inPage, PACKAGE, transportName } from './harness.mjs';

after(closeAll);

// wasm-bindgen-rayon starts rayon's threads as Web Workers, which Node.js
// does not have (crates/wasmpool-demo/js/node.js): the rayon test is for
// browsers; the other Rust tasks and the Rust API run under Node.js too.
const NO_RAYON = browserName() === 'node' && "wasm-bindgen-rayon's threads are Web Workers: none in Node.js";

const message = transportName() === 'message';

test("message transport: Rust tasks run on each worker's own instance; rayon and the Rust API need isolation", {
  skip: !message && "the shared transport runs them on the page's memory (next tests)",
}, async () => {
  const r = await inPage(
    `async ({ Pool, initRayon, NotIsolatedError }) => {
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
  }`,
    { entry: DEMO },
  );
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
  skip: NO_RAYON || (message && 'rayon and pool.alloc need shared memory (message transport: the test above)'),
}, async () => {
  const r = await inPage(
    `async ({ Pool, initRayon }) => {
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
  }`,
    { entry: DEMO },
  );
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
  const r = await inPage(
    `async ({ Pool }) => {
    const glue = await import('/crates/wasmpool-demo/pkg/wasmpool_demo.js');
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
  }`,
    { entry: DEMO },
  );
  assert.equal(r.sum, r.expected);
  assert.equal(r.tripled, 42);
  assert.match(r.panicked, /^task panicked: .*closure asked to panic with 7/);
  assert.equal(r.forged, 'TypeError', 'JS cannot make a worker call an arbitrary address');
  assert.equal(r.after, 15);
});

test("the npm package's wasm has no demo task: submitting one by name is a TypeError at the call", async () => {
  const r = await inPage(
    `async ({ Pool, ...api }) => {
      await using pool = new Pool({ workers: 1 });
      await pool.ready;
      const names = ['add', 'rust_panic', 'alloc_bytes', 'mandelbrot_rows', 'rayon_sum'];
      const outcomes = names.map((name) => { try { pool.submit(name); return 'accepted'; } catch (e) { return e.name; } });
      return { outcomes, initRayon: typeof api.initRayon, closure: await pool.submit((x) => x + 1, 1) };
    }`,
    { entry: PACKAGE, fresh: true },
  );
  assert.deepEqual(r, { outcomes: Array(5).fill('TypeError'), initRayon: 'undefined', closure: 2 });
});

// A closure submitted from Rust is boxed until a worker takes it; one whose
// task ends without running must be dropped then (its captures counted here).
test('Rust API: closures whose tasks never run are dropped (cancelled, shut down with them queued, terminated)', {
  skip: message && 'the Rust API needs the shared transport (the message transport test above checks its error)',
}, async () => {
  const r = await inPage(
    `async ({ Pool }) => {
    const glue = await import('/crates/wasmpool-demo/pkg/wasmpool_demo.js');
    const out = {};
    for (const how of ['cancel', 'shutdown', 'terminate']) {
      const pool = new Pool({ workers: 1 });
      await pool.ready;
      out[how] = await glue.rust_closure_drops(pool, how);
      await pool.shutdown();
    }
    return out;
  }`,
    { entry: DEMO },
  );
  assert.deepEqual(r, { cancel: [10, 10], shutdown: [11, 11], terminate: [10, 10] });
});
