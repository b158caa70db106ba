// map (src/js/map.js) on its own: argument parsing, chunking, the default
// chunksize, ordered and unordered results, errors, stopping early, over
// sized inputs (arrays, Sets, typed arrays). Lazy sources and timeouts are in
// map-lazy.test.mjs; both drive MapResult through the fake pool of
// map-fake-pool.mjs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultChunksize, parseMapArgs } from '../../src/js/map.js';
import { Rng } from '../shared/rng.mjs';
import { drain, fakePool, mapOf, tick } from './map-fake-pool.mjs';

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

test('one iterable travels flat (its items are the chunk); zipped and star items as argument lists', async () => {
  const one = fakePool();
  const items = [5, 6, 7];
  mapOf(one, [items], { chunksize: 2 });
  assert.deepEqual(
    one.chunks.map((c) => c.flat),
    [true, true],
  );
  assert.deepEqual(one.chunks[0].tuples, [[5], [6]]);
  const zipped = fakePool();
  mapOf(zipped, [items, items]);
  assert.equal(zipped.chunks[0].flat, false);
  const star = fakePool();
  mapOf(star, [[[1, 2]]], {}, { star: true });
  assert.equal(star.chunks[0].flat, false);
  const lazy = fakePool();
  const result = mapOf(lazy, [
    (function* () {
      yield 1;
      yield 2;
    })(),
  ]);
  const out = [];
  const done = drain(result, out);
  await tick();
  assert.equal(lazy.chunks[0].flat, true, 'a lazy single source is flat too');
  lazy.runAll((x) => x * 10);
  await tick();
  lazy.runAll((x) => x * 10);
  await done;
  assert.deepEqual(out, [10, 20]);
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
