// asCompleted and wait (src/js/waiting.js) on their own, over Futures the
// tests settle themselves.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Future } from '../../src/js/future.js';
import {
  ALL_COMPLETED,
  asCompleted,
  checkTimeout,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  wait,
} from '../../src/js/waiting.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise((resolve) => setImmediate(resolve));
const futures = (n) => Array.from({ length: n }, () => new Future({ withdraw: () => true }));
const resolved = (value) => {
  const f = new Future();
  f._resolve(value);
  return f;
};

test('checkTimeout: none (undefined, null, Infinity), a number >= 0, or a RangeError', () => {
  for (const none of [undefined, null, Infinity]) assert.equal(checkTimeout(none), undefined);
  assert.equal(checkTimeout(0), 0);
  assert.equal(checkTimeout(2.5), 2.5);
  for (const bad of [-1, NaN, '10', {}]) {
    assert.throws(() => checkTimeout(bad), {
      name: 'RangeError',
      message: /^timeout must be a number of milliseconds >= 0/,
    });
  }
});

test('the constants are the Python names', () => {
  assert.deepEqual(
    [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED],
    ['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED'],
  );
});

test('asCompleted: finished futures first, then completion order, each future once', async () => {
  const early = resolved('early');
  const [a, b, c] = futures(3);
  const seen = [];
  const consumer = (async () => {
    for await (const f of asCompleted([a, early, b, c, b, early])) seen.push(f);
  })();
  await tick();
  assert.deepEqual(seen, [early], 'the already finished one at once');
  c._resolve('c');
  await tick();
  a._reject(new Error('a failed'));
  await tick();
  b.cancel();
  await consumer;
  assert.deepEqual(seen, [early, c, a, b], 'failed and cancelled futures count as completed');
  assert.ok(
    seen.every((f) => f instanceof Future),
    'yields the futures themselves, not their values',
  );
});

test('asCompleted: an empty list ends at once; return() stops early', async () => {
  const empty = asCompleted([]);
  assert.deepEqual(await empty.next(), { done: true, value: undefined });
  const [a, b] = futures(2);
  a._resolve(1);
  const it = asCompleted([a, b]);
  assert.equal(it[Symbol.asyncIterator](), it);
  assert.equal((await it.next()).value, a);
  assert.deepEqual(await it.return(), { done: true, value: undefined });
  b._resolve(2);
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});

test('asCompleted: TimeoutError once the deadline passes with futures unfinished; then it is over', async () => {
  const [fast, slow] = futures(2);
  const it = asCompleted([fast, slow], { timeout: 30 });
  setTimeout(() => fast._resolve('fast'), 5);
  assert.equal((await it.next()).value, fast);
  const t0 = performance.now();
  await assert.rejects(it.next(), { name: 'TimeoutError', message: / of 2 futures unfinished after 30 ms$/ });
  assert.ok(performance.now() - t0 < 1000);
  assert.deepEqual(await it.next(), { done: true, value: undefined });

  const finished = asCompleted([resolved(1)], { timeout: 0 });
  assert.equal((await finished.next()).done, false, 'finished futures are yielded even with timeout 0');
});

test('asCompleted: the TimeoutError message counts the unfinished futures', async () => {
  const [fast, slow] = futures(2);
  fast._resolve(1);
  const it = asCompleted([fast, slow], { timeout: 5 });
  await it.next();
  await assert.rejects(it.next(), { message: '1 of 2 futures unfinished after 5 ms' });
});

test('asCompleted and wait: TypeError for non-iterables and non-futures, RangeError for a bad timeout', () => {
  for (const [fn, what] of [
    [asCompleted, 'asCompleted'],
    [wait, 'wait'],
  ]) {
    assert.throws(() => fn(null), { name: 'TypeError', message: `${what} needs an iterable of futures, got null` });
    assert.throws(() => fn(5), { name: 'TypeError', message: `${what} needs an iterable of futures, got number` });
    assert.throws(() => fn([resolved(1), Promise.resolve(2)]), {
      name: 'TypeError',
      message: new RegExp(`^${what} needs futures returned by pool.submit`),
    });
    assert.throws(() => fn([], { timeout: -5 }), { name: 'RangeError' });
  }
  assert.throws(() => wait([], { returnWhen: 'SOMETIMES' }), {
    name: 'RangeError',
    message: 'returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got SOMETIMES',
  });
});

test('wait ALL_COMPLETED (the default): resolves once every future is done, with done/notDone sets', async () => {
  const [a, b] = futures(2);
  let result = null;
  const waiting = wait([a, b, a]).then((r) => {
    result = r;
  });
  a._resolve(1);
  await tick();
  assert.equal(result, null);
  b._reject(new Error('b'));
  await waiting;
  assert.deepEqual(result.done, new Set([a, b]));
  assert.deepEqual(result.notDone, new Set());
  const none = await wait([]);
  assert.deepEqual([none.done.size, none.notDone.size], [0, 0]);
});

test('wait FIRST_COMPLETED: resolves on the first to finish (at once if one already has)', async () => {
  const [a, b, c] = futures(3);
  const first = wait([a, b, c], { returnWhen: FIRST_COMPLETED });
  b._resolve('b');
  const r = await first;
  assert.deepEqual(r.done, new Set([b]));
  assert.deepEqual(r.notDone, new Set([a, c]));
  const already = await wait([a, b], { returnWhen: FIRST_COMPLETED });
  assert.deepEqual(already.done, new Set([b]));
});

test('wait FIRST_EXCEPTION: resolves on the first failure; cancellation is not one; else when all are done', async () => {
  const [a, b, c] = futures(3);
  let result = null;
  const waiting = wait([a, b, c], { returnWhen: FIRST_EXCEPTION }).then((r) => {
    result = r;
  });
  a._resolve('ok');
  c.cancel();
  await tick();
  assert.equal(result, null, 'a success and a cancellation are not exceptions');
  b._reject(new TypeError('boom'));
  await waiting;
  assert.deepEqual(result.done, new Set([a, b, c]));

  const [x, y] = futures(2);
  const failing = wait([x, y], { returnWhen: FIRST_EXCEPTION });
  x._reject(new Error('x'));
  const r = await failing;
  assert.deepEqual([r.done, r.notDone], [new Set([x]), new Set([y])]);

  const [p, q] = futures(2);
  const allGood = wait([p, q], { returnWhen: FIRST_EXCEPTION });
  p._resolve(1);
  q._resolve(2);
  assert.deepEqual((await allGood).done, new Set([p, q]), 'no failure: waits for all');
});

test('wait timeout: resolves (never rejects) with what is done so far', async () => {
  const [a, b] = futures(2);
  a._resolve(1);
  const t0 = performance.now();
  const r = await wait([a, b], { timeout: 20 });
  const elapsed = performance.now() - t0;
  assert.deepEqual([r.done, r.notDone], [new Set([a]), new Set([b])]);
  assert.ok(elapsed >= 15 && elapsed < 1000, `waited ${elapsed} ms`);
  const early = wait([b], { timeout: 5000 });
  await sleep(1);
  b._resolve(2);
  assert.deepEqual((await early).done, new Set([b]), 'done before the timeout: resolves at once');
});
