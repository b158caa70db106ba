// map (src/js/map.js) on its own: argument parsing, chunking, the default
// chunksize, ordered and unordered results, errors, laziness, timeouts.
// MapResult's seam to the pool is `submitChunk(tuples) → Future`: here a
// fake that records each chunk and returns a Future the test settles.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Future } from '../../src/js/future.js';
import { defaultChunksize, MapResult, parseMapArgs } from '../../src/js/map.js';
import { Rng } from '../shared/rng.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Waits (a bounded number of event-loop turns) until `condition()` holds. */
async function until(condition, what) {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await tick();
  }
  assert.fail(`still waiting for ${what}`);
}

/**
 * A fake pool side: `submitChunk` records `{ tuples, future }`; `run(i, fn)`
 * settles chunk i the way a worker does, `[values, failures]` with
 * failures `[[index, error], ...]` or null.
 */
function fakePool() {
  const chunks = [];
  return {
    chunks,
    submitChunk: (tuples) => {
      const chunk = { tuples, cancelled: false };
      chunk.future = new Future({
        withdraw: () => {
          chunk.cancelled = true;
          return true;
        },
      });
      chunks.push(chunk);
      return chunk.future;
    },
    run(i, fn) {
      const values = [];
      let failures = null;
      for (const [k, args] of this.chunks[i].tuples.entries()) {
        try {
          values.push(fn(...args));
        } catch (error) {
          values.push(undefined);
          failures ??= [];
          failures.push([k, error]);
        }
      }
      this.chunks[i].future._resolve([values, failures]);
    },
    runAll(fn) {
      for (let i = 0; i < this.chunks.length; i++) if (!this.chunks[i].future.done()) this.run(i, fn);
    },
  };
}

function mapOf(pool, iterables, options = {}, rest = {}) {
  return new MapResult({ iterables, options, workers: 2, submitChunk: pool.submitChunk, ...rest });
}

/** Collects `for await` values into `out` as they arrive; resolves when iteration ends. */
function drain(iterable, out) {
  return (async () => {
    for await (const v of iterable) out.push(v);
  })();
}

test("defaultChunksize is CPython's ceil(length / (4 × workers)), at least 1", () => {
  assert.equal(defaultChunksize(100, 2), 13);
  assert.equal(defaultChunksize(1, 8), 1);
  assert.equal(defaultChunksize(0, 4), 1);
  assert.equal(defaultChunksize(1000, 4), 63);
  assert.equal(defaultChunksize(100_000, 2), 12_500);
});

test('parseMapArgs: a trailing plain object is the options; iterables are checked at the call site', () => {
  const items = [1, 2];
  const parsed = parseMapArgs('map', [items, 'ab', { chunksize: 2, timeout: 10, buffersize: 3 }]);
  assert.deepEqual(parsed, { iterables: [items, 'ab'], options: { chunksize: 2, timeout: 10, buffersize: 3 } });
  assert.equal(parsed.iterables[0], items);
  assert.deepEqual(parseMapArgs('map', [new Set([1])]).options, {});
  assert.throws(
    () => parseMapArgs('map', [[1], null]),
    { message: 'map: argument 2 is not iterable (got null)' },
    'null is not options',
  );

  const m = new Map([[1, 2]]);
  assert.deepEqual(
    parseMapArgs('map', [m]),
    { iterables: [m], options: {} },
    'an iterable object is an input, not options',
  );
  const asyncIterable = { [Symbol.asyncIterator]: () => ({}) };
  assert.deepEqual(parseMapArgs('map', [asyncIterable]).iterables, [asyncIterable]);
});

test('parseMapArgs: TypeError for missing or non-iterable inputs, RangeError for bad options', () => {
  assert.throws(() => parseMapArgs('map', []), {
    name: 'TypeError',
    message: 'map needs at least one iterable of inputs',
  });
  assert.throws(() => parseMapArgs('imap', [{ chunksize: 1 }]), {
    name: 'TypeError',
    message: /imap needs at least one iterable/,
  });
  assert.throws(() => parseMapArgs('map', [[1], 5]), {
    name: 'TypeError',
    message: 'map: argument 2 is not iterable (got number)',
  });
  assert.throws(() => parseMapArgs('map', [null]), {
    name: 'TypeError',
    message: 'map: argument 1 is not iterable (got null)',
  });
  for (const chunksize of [0, -1, 1.5, NaN, '2']) {
    assert.throws(() => parseMapArgs('map', [[1], { chunksize }]), {
      name: 'RangeError',
      message: /chunksize must be an integer >= 1/,
    });
  }
  for (const buffersize of [0, 2.5]) {
    assert.throws(() => parseMapArgs('map', [[1], { buffersize }]), { name: 'RangeError', message: /buffersize/ });
  }
  for (const timeout of [-1, NaN, 'soon']) {
    assert.throws(() => parseMapArgs('map', [[1], { timeout }]), {
      name: 'RangeError',
      message: /timeout must be a number/,
    });
  }
});

test('sized inputs are zipped (to the shortest) and chunked at once, with the default chunksize', async () => {
  const pool = fakePool();
  const items = Array.from({ length: 20 }, (_, i) => i);
  const result = mapOf(pool, [items, new Set('abcdefghijklmnopq')]);
  // 17 tuples (the Set is shorter), chunksize ceil(17 / 8) = 3 → 6 chunks, submitted in the constructor.
  assert.deepEqual(
    pool.chunks.map((c) => c.tuples.length),
    [3, 3, 3, 3, 3, 2],
  );
  assert.deepEqual(pool.chunks[0].tuples, [
    [0, 'a'],
    [1, 'b'],
    [2, 'c'],
  ]);
  pool.runAll((n, ch) => `${n}${ch}`);
  const out = await result;
  assert.equal(out.length, 17);
  assert.equal(out[16], '16q');

  const explicit = fakePool();
  mapOf(explicit, [new Uint8Array(10)], { chunksize: 4 });
  assert.deepEqual(
    explicit.chunks.map((c) => c.tuples.length),
    [4, 4, 2],
  );
  const empty = fakePool();
  assert.deepEqual(await mapOf(empty, [[]]), []);
  assert.equal(empty.chunks.length, 0);
});

test('star: each item is an argument list; an item that is not one fails at the call site', async () => {
  const pool = fakePool();
  const result = mapOf(pool, [[[2, 3], new Set([4, 5])]], { chunksize: 1 }, { star: true });
  assert.deepEqual(
    pool.chunks.map((c) => c.tuples),
    [[[2, 3]], [[4, 5]]],
  );
  pool.runAll((a, b) => a * b);
  assert.deepEqual(await result, [6, 20]);
  assert.throws(() => mapOf(fakePool(), [[[1], 7]], {}, { star: true }), {
    name: 'TypeError',
    message: 'starmap: item 1 is not an argument list (got number)',
  });
});

test('ordered: await gives input order; for await yields each item once it and its predecessors are done', async () => {
  const pool = fakePool();
  const result = mapOf(pool, [[1, 2, 3, 4, 5, 6]], { chunksize: 2 });
  const seen = [];
  const done = drain(result, seen);
  pool.run(2, (x) => x * 10);
  pool.run(1, (x) => x * 10);
  await tick();
  assert.deepEqual(seen, [], 'nothing before the first chunk is done');
  pool.run(0, (x) => x * 10);
  await done;
  assert.deepEqual(seen, [10, 20, 30, 40, 50, 60]);
});

test('ordered, randomized: any completion order gives input order (200 seeded cases)', async () => {
  const rng = new Rng(2024);
  for (let c = 0; c < 200; c++) {
    const pool = fakePool();
    const items = Array.from({ length: rng.below(30) }, (_, i) => i);
    const result = mapOf(pool, [items], { chunksize: 1 + rng.below(5) });
    const order = pool.chunks.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const i of order) pool.run(i, (x) => x + 1);
    assert.deepEqual(
      await result,
      items.map((x) => x + 1),
      `case ${c} of seed ${rng.seed}`,
    );
  }
});

test('unordered: items come in completion order', async () => {
  const pool = fakePool();
  const result = mapOf(pool, [['a', 'b', 'c']], { chunksize: 1 }, { ordered: false });
  const seen = [];
  const done = drain(result, seen);
  pool.run(2, (x) => x.toUpperCase());
  await tick();
  assert.deepEqual(seen, ['C'], 'a later chunk is yielded as soon as it is done');
  pool.run(0, (x) => x.toUpperCase());
  pool.run(1, (x) => x.toUpperCase());
  await done;
  assert.deepEqual(seen, ['C', 'A', 'B']);

  const awaited = fakePool();
  const all = mapOf(awaited, [[1, 2, 3, 4]], { chunksize: 2 }, { ordered: false });
  const collected = all.then((v) => v);
  await tick();
  awaited.run(1, (x) => x);
  await tick();
  awaited.run(0, (x) => x);
  assert.deepEqual(await collected, [3, 4, 1, 2], 'awaited: whole chunks in completion order');
});

test('an item error surfaces at that item: earlier items are yielded first; the rest is cancelled', async () => {
  const pool = fakePool();
  const result = mapOf(pool, [[1, 2, 3, 4, 5, 6]], { chunksize: 2 });
  const seen = [];
  const done = drain(result, seen);
  const fail = (x) => {
    if (x === 4) throw new RangeError(`item ${x}`);
    return x;
  };
  pool.run(0, fail);
  pool.run(1, fail);
  await assert.rejects(done, { name: 'RangeError', message: 'item 4' });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(pool.chunks[2].cancelled, true, 'the chunk not yet done is cancelled');
  assert.equal(pool.chunks[2].future.cancelled(), true);

  const awaited = fakePool();
  const all = mapOf(awaited, [[1, 2, 3]], { chunksize: 1 });
  awaited.run(0, fail);
  awaited.chunks[1].future._reject(new Error('the whole chunk failed'));
  await assert.rejects(all, { message: 'the whole chunk failed' });
  assert.equal(awaited.chunks[2].cancelled, true);
  assert.equal(await all.catch((e) => e.message), 'the whole chunk failed', 'catch() sees the same error');
});

test('stopping early (break) cancels the chunks not yet consumed', async () => {
  const pool = fakePool();
  const result = mapOf(pool, [[1, 2, 3, 4]], { chunksize: 1 });
  pool.run(0, (x) => x);
  for await (const v of result) {
    assert.equal(v, 1);
    break;
  }
  assert.deepEqual(
    pool.chunks.map((c) => c.cancelled),
    [false, true, true, true],
  );
});

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
