// map (src/js/map.js) over lazy sources, and timeouts: generators and async
// iterables are pulled as needed with at most buffersize chunks in flight,
// and a timeout cancels what is left. Driven through the fake pool of
// map-fake-pool.mjs, like map.test.mjs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drain, fakePool, mapOf, sleep, tick, until } from './map-fake-pool.mjs';

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

// CPython's test_imap_handle_iterable_exception: a generator that raises at
// its fourth item gives three results, then its error.
class SourceError extends Error {}
function* raisingAt(n) {
  for (let i = 0; ; i++) {
    if (i === n) throw new SourceError(`no item ${i}`);
    yield i;
  }
}

// Runs every chunk as it is submitted (the pool doing its work) until `done` settles.
async function runWhileWaiting(pool, done, fn) {
  let settled = false;
  done.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  while (!settled) {
    pool.runAll(fn);
    await tick();
  }
}

test('a source that throws: the results of the items before it come first, then its error (chunksize 1)', async () => {
  const pool = fakePool();
  const seen = [];
  const done = drain(mapOf(pool, [raisingAt(3)], { chunksize: 1 }), seen);
  await runWhileWaiting(pool, done, (x) => x * 10);
  await assert.rejects(done, { name: 'Error', message: 'no item 3' });
  await assert.rejects(done, SourceError);
  assert.deepEqual(seen, [0, 10, 20]);
  assert.equal(pool.chunks.length, 3);
  assert.ok(
    pool.chunks.every((c) => !c.cancelled),
    'the chunks submitted before the error run to completion',
  );
});

test('a source that throws mid-chunk: its partial chunk is submitted, and every result comes before the error', async () => {
  const pool = fakePool();
  const seen = [];
  const done = drain(mapOf(pool, [raisingAt(5)], { chunksize: 2 }), seen);
  await runWhileWaiting(pool, done, (x) => -x);
  await assert.rejects(done, SourceError);
  assert.deepEqual(seen, [-0, -1, -2, -3, -4]);
  assert.deepEqual(
    pool.chunks.map((c) => c.tuples.flat()),
    [[0, 1], [2, 3], [4]],
  );

  // Awaited: the error, once the chunks before it are done (none is cancelled).
  const awaited = fakePool();
  const all = mapOf(awaited, [raisingAt(4)], { chunksize: 3 });
  await runWhileWaiting(awaited, all, (x) => x);
  await assert.rejects(all, SourceError);
  assert.deepEqual(
    awaited.chunks.map((c) => [c.tuples.flat(), c.cancelled]),
    [
      [[0, 1, 2], false],
      [[3], false],
    ],
  );
});

test('a source that throws after more items than buffersize: every result, in order, then its error', async () => {
  async function* slowRaising() {
    for (let i = 0; i < 7; i++) {
      await tick();
      yield i;
    }
    throw new SourceError('the source failed');
  }
  for (const source of [() => raisingAt(7), slowRaising]) {
    const pool = fakePool();
    const seen = [];
    const done = drain(mapOf(pool, [source(), 'abcdefghij'], { buffersize: 2 }), seen);
    await runWhileWaiting(pool, done, (n, s) => s + n);
    await assert.rejects(done, SourceError);
    assert.deepEqual(seen, ['a0', 'b1', 'c2', 'd3', 'e4', 'f5', 'g6']);
  }
});

test('imapUnordered over a source that throws: every result, in completion order, then its error', async () => {
  const pool = fakePool();
  const seen = [];
  const done = drain(mapOf(pool, [raisingAt(4)], { chunksize: 1 }, { ordered: false }), seen);
  done.catch(() => {}); // rejects while the chunks are being run, checked below
  await until(() => pool.chunks.length === 4, 'the four items read before the error');
  for (const i of [2, 0, 3, 1]) {
    pool.run(i, (x) => x * 2);
    await tick();
  }
  await assert.rejects(done, SourceError);
  assert.deepEqual(seen, [4, 0, 6, 2]);
  assert.ok(pool.chunks.every((c) => !c.cancelled));

  // More items than buffersize, and a partial chunk.
  const narrow = fakePool();
  const more = [];
  const narrowDone = drain(mapOf(narrow, [raisingAt(9)], { chunksize: 2, buffersize: 2 }, { ordered: false }), more);
  await runWhileWaiting(narrow, narrowDone, (x) => x);
  await assert.rejects(narrowDone, SourceError);
  assert.deepEqual(
    more.sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
});

test('a starmap item that is not an argument list fails at its place, after the results before it', async () => {
  const pool = fakePool();
  const seen = [];
  function* pairs() {
    yield [1, 2];
    yield [3, 4];
    yield 5;
  }
  const done = drain(mapOf(pool, [pairs()], { chunksize: 1 }, { star: true }), seen);
  await runWhileWaiting(pool, done, (a, b) => a + b);
  await assert.rejects(done, TypeError);
  assert.deepEqual(seen, [3, 7]);
});
