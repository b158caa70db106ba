// map (src/js/map.js) over lazy sources, and timeouts: generators and async
// iterables are pulled as needed with at most buffersize chunks in flight,
// and a timeout cancels what is left. Driven through the fake pool of
// map-fake-pool.mjs, like map.test.mjs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakePool, mapOf, sleep, tick, until } from './map-fake-pool.mjs';

test('lazy sources: a generator is pulled as needed, at most buffersize chunks in flight (default chunksize 1)', async () => {
  const pool = fakePool();
  let pulled = 0;
  let finished = false;
  function* naturals() {
    try {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    } finally {
      finished = true;
    }
  }
  const result = mapOf(pool, [naturals()], { buffersize: 3 });
  const seen = [];
  const iterator = result[Symbol.asyncIterator]();
  const first = iterator.next();
  await tick();
  assert.equal(pool.chunks.length, 3, 'buffersize chunks are submitted');
  assert.ok(
    pool.chunks.every((c) => c.tuples.length === 1),
    'chunksize 1',
  );
  pool.run(0, (x) => x * 2);
  seen.push((await first).value);
  await tick();
  assert.equal(pool.chunks.length, 3, 'nothing more until the next item is asked for');
  for (let i = 1; i < 10; i++) {
    const next = iterator.next();
    await tick();
    assert.equal(pool.chunks.length, i + 3, 'the buffer is topped up to buffersize in flight');
    pool.run(i, (x) => x * 2);
    seen.push((await next).value);
  }
  assert.deepEqual(
    seen,
    Array.from({ length: 10 }, (_, i) => i * 2),
  );
  assert.ok(pool.chunks.length <= 10 + 3, `${pool.chunks.length} chunks submitted`);
  assert.ok(pulled <= 10 + 3 + 1, `pulled ${pulled} items`);
  await iterator.return();
  assert.equal(finished, true, 'the generator is closed');
  assert.ok(
    pool.chunks.slice(10).every((c) => c.cancelled),
    'chunks in flight are cancelled',
  );
});

test('lazy sources: async iterables zip with arrays; chunksize groups items; default buffersize is 4 × workers', async () => {
  const pool = fakePool();
  async function* source() {
    for (let i = 0; i < 5; i++) {
      await tick();
      yield i;
    }
  }
  const result = mapOf(pool, [source(), [10, 20, 30, 40]], { chunksize: 3 });
  const collected = result.then((v) => v);
  await until(() => pool.chunks.length >= 2, 'two chunks');
  assert.deepEqual(
    pool.chunks.map((c) => c.tuples),
    [
      [
        [0, 10],
        [1, 20],
        [2, 30],
      ],
      [[3, 40]],
    ],
  );
  pool.runAll((a, b) => a + b);
  assert.deepEqual(await collected, [10, 21, 32, 43]);

  const wide = fakePool();
  const endless = mapOf(
    wide,
    [
      (function* () {
        for (;;) yield 0;
      })(),
    ],
    {},
    { workers: 3 },
  );
  const it = endless[Symbol.asyncIterator]();
  const pending = it.next();
  await until(() => wide.chunks.length >= 12, '12 chunks in flight');
  await sleep(5);
  assert.equal(wide.chunks.length, 12, 'default buffersize: 4 × 3 workers');
  wide.run(0, (x) => x);
  await pending;
  await it.return();
});

test('timeout: a map that is not done in time rejects with TimeoutError and cancels what is left', async () => {
  const pool = fakePool();
  const result = mapOf(pool, [[1, 2, 3]], { chunksize: 1, timeout: 20 });
  pool.run(0, (x) => x);
  const t0 = performance.now();
  await assert.rejects(result, { name: 'TimeoutError', message: 'map did not finish within 20 ms' });
  assert.ok(performance.now() - t0 < 1000);
  assert.deepEqual(
    pool.chunks.map((c) => c.cancelled),
    [false, true, true],
  );

  const unordered = fakePool();
  const late = mapOf(unordered, [[1]], { timeout: 10 }, { ordered: false });
  await assert.rejects(late, { name: 'TimeoutError' });
  assert.equal(unordered.chunks[0].cancelled, true);

  const inTime = fakePool();
  const fine = mapOf(inTime, [[1, 2]], { timeout: 5000 });
  inTime.runAll((x) => -x);
  assert.deepEqual(await fine, [-1, -2]);
});

test('timeout on a lazy source cancels the chunk being waited for and those in flight', async () => {
  for (const ordered of [true, false]) {
    const pool = fakePool();
    function* naturals() {
      for (let i = 0; ; i++) yield i;
    }
    const result = mapOf(pool, [naturals()], { timeout: 20, buffersize: 2 }, { ordered });
    await assert.rejects(result, { name: 'TimeoutError' });
    const what = ordered ? 'ordered' : 'unordered';
    // Unordered maps track buffersize chunks and may hold one more, submitted
    // when the last tracked one was pulled.
    assert.equal(pool.chunks.length, ordered ? 2 : 3, what);
    assert.ok(
      pool.chunks.every((c) => c.cancelled),
      what,
    );
  }
});
