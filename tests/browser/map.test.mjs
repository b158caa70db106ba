// Pool.map: input order, zipping, chunking, item errors, timeouts, lazy and
// endless sources. (MapResult without a browser: tests/node/map.test.mjs.)
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage } from './harness.mjs';

after(closeAll);

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
  assert.deepEqual(r, {
    squares: [1, 4, 9, 16, 25],
    zipped: ['a1', 'b2'],
    seen: [40, 1, 30, 2, 20, 3],
    empty: [],
    chunkedOk: true,
  });
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
  assert.deepEqual(r, {
    got: [1, 2],
    error: ['RangeError', 'item 3'],
    awaited: 'two',
    timeout: 'TimeoutError',
    quick: true,
  });
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

test('map over a generator that throws yields the results before the error, then raises it', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 2 });
    class SourceError extends Error {}
    function* raisingAt(n) { for (let i = 0; ; i++) { if (i === n) throw new SourceError(\`no item \${i}\`); yield i; } }
    const outcome = async (results) => {
      const got = [];
      try { for await (const v of results) got.push(v); } catch (e) { return { got, error: [e instanceof SourceError, e.message] }; }
      return { got, error: null };
    };
    return {
      ordered: await outcome(pool.map((x) => x * 10, raisingAt(3), { chunksize: 1 })),
      chunked: await outcome(pool.map((x) => x * 10, raisingAt(5), { chunksize: 2 })),
      buffered: await outcome(pool.map((x) => x * 10, raisingAt(9), { buffersize: 2 })),
      unordered: await outcome(pool.imapUnordered((x) => x * 10, raisingAt(5), { chunksize: 2 })),
      awaited: await pool.map((x) => x, raisingAt(3)).then(() => 'resolved', (e) => e.message),
    };
  }`);
  const error = (n) => [true, `no item ${n}`];
  assert.deepEqual(r.ordered, { got: [0, 10, 20], error: error(3) });
  assert.deepEqual(r.chunked, { got: [0, 10, 20, 30, 40], error: error(5) });
  assert.deepEqual(r.buffered, { got: [0, 10, 20, 30, 40, 50, 60, 70, 80], error: error(9) });
  assert.deepEqual(r.unordered.error, error(5));
  assert.deepEqual(
    r.unordered.got.sort((a, b) => a - b),
    [0, 10, 20, 30, 40],
  );
  assert.equal(r.awaited, 'no item 3');
});
