// Future (src/js/future.js) on its own: states, cancel, result/exception with
// timeouts, done-callbacks and progress. The pool's side of a Future is its
// constructor hooks (withdraw, isRunning, kill) and the internal _resolve,
// _reject, _setRunning and _progress; the tests drive those directly.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, TimeoutError } from '../../src/js/errors.js';
import { Future, withTimeout } from '../../src/js/future.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const outcome = (promise) =>
  Promise.resolve(promise).then(
    (value) => ['resolved', value],
    (error) => ['rejected', error.name],
  );

/** Runs `fn` with console.error captured; returns what was logged. */
async function capturingConsoleError(fn) {
  const logged = [];
  const original = console.error;
  console.error = (...args) => logged.push(args);
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return logged;
}

test('a new Future is pending; it is a thenable named Future', async () => {
  const f = new Future();
  assert.deepEqual([f.done(), f.running(), f.cancelled()], [false, false, false]);
  assert.equal(Object.prototype.toString.call(f), '[object Future]');
  f._resolve(42);
  assert.equal(await f, 42);
  assert.equal(await f.then((v) => v + 1), 43);
  assert.equal(await f.finally(() => 'ignored'), 42);
  assert.deepEqual([f.done(), f.running(), f.cancelled(), f._succeeded()], [true, false, false, true]);
});

test('running(): while the pool says a worker runs it, and never once settled', () => {
  let onWorker = false;
  const f = new Future({ isRunning: () => onWorker });
  assert.equal(f.running(), false);
  onWorker = true;
  assert.equal(f.running(), true);
  f._resolve(1);
  assert.equal(f.running(), false, 'a settled future is not running, whatever the pool says');
});

test('the first settlement wins; later ones are ignored', async () => {
  const f = new Future();
  f._reject(new RangeError('first'));
  f._resolve('second');
  f._reject(new TypeError('third'));
  assert.deepEqual(await outcome(f), ['rejected', 'RangeError']);
  assert.equal(f._succeeded(), false);
  assert.equal(f.cancel(), false, 'a finished future cannot be cancelled');
});

test('a failure no one asks about is not an unhandled rejection', async () => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    new Future()._reject(new Error('kept until asked'));
    await sleep(10);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});

test('result() and exception(): the value, or the error, or null', async () => {
  const ok = new Future();
  const bad = new Future();
  ok._resolve('v');
  const error = new SyntaxError('s');
  bad._reject(error);
  assert.equal(await ok.result(), 'v');
  assert.equal(await ok.exception(), null);
  assert.deepEqual(await outcome(bad.result()), ['rejected', 'SyntaxError']);
  assert.equal(await bad.exception(), error, 'exception() resolves with the task error itself');
  assert.deepEqual(await outcome(bad.catch((e) => e.message)), ['resolved', 's']);
});

test('cancel(): a queued task the pool can withdraw is cancelled, once', async () => {
  let withdrawn = 0;
  const f = new Future({ withdraw: () => ++withdrawn === 1 });
  assert.equal(f.cancel(), true);
  assert.equal(f.cancel(), true, 'cancelling again still answers true');
  assert.equal(withdrawn, 1, 'the pool is asked once');
  assert.deepEqual([f.cancelled(), f.done(), f.running(), f._succeeded()], [true, true, false, false]);
  assert.deepEqual(await outcome(f), ['rejected', 'CancelledError']);
  assert.deepEqual(await outcome(f.result()), ['rejected', 'CancelledError']);
  assert.deepEqual(
    await outcome(f.exception()),
    ['rejected', 'CancelledError'],
    'Python: exception() raises CancelledError',
  );
  assert.ok((await f.catch((e) => e)) instanceof CancelledError);
  f._resolve('late');
  assert.equal(f.cancelled(), true, 'a late result does not un-cancel');
});

test('cancel(): false if the pool cannot withdraw it or it is running, unless forced', async () => {
  const f = new Future({ withdraw: () => false });
  assert.equal(f.cancel(), false);
  assert.equal(f.cancelled(), false);

  let kills = 0;
  let withdrawAsked = false;
  const running = new Future({
    isRunning: () => true,
    withdraw: () => {
      withdrawAsked = true;
      return true;
    },
    kill: () => kills++,
  });
  assert.equal(running.cancel(), false, 'a running task is not cancelled without force');
  assert.equal(withdrawAsked, false, 'a running task is never withdrawn');
  assert.equal(running.cancel({ force: true }), true);
  assert.equal(kills, 1, 'force kills the worker once');
  assert.equal(running.cancelled(), true);
  const error = await running.catch((e) => e);
  assert.ok(error instanceof CancelledError);
  assert.match(error.message, /cancelled while running; its worker was terminated/);
  assert.equal(running.cancel({ force: true }), true);
  assert.equal(kills, 1, 'no second kill');

  const unkillable = new Future({ isRunning: () => true });
  assert.equal(unkillable.cancel({ force: true }), false, 'force needs a kill hook');
});

test('result({ timeout }) and exception({ timeout }) reject with TimeoutError and leave the future running', async () => {
  const f = new Future();
  const r = await outcome(f.result({ timeout: 5 }));
  const e = await outcome(f.exception({ timeout: 5 }));
  assert.deepEqual(
    [r, e],
    [
      ['rejected', 'TimeoutError'],
      ['rejected', 'TimeoutError'],
    ],
  );
  assert.equal(f.done(), false);
  const later = f.result({ timeout: 1000 });
  f._resolve('in time');
  assert.equal(await later, 'in time');
  const error = await new Future().result({ timeout: 1 }).catch((x) => x);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.message, 'the task did not finish within 1 ms');
});

test('withTimeout: no timeout (undefined, null, Infinity) returns the promise itself', async () => {
  const p = Promise.resolve(1);
  for (const timeout of [undefined, null, Infinity]) assert.equal(withTimeout(p, timeout, 'x'), p);
  assert.equal(await withTimeout(p, 0, 'x'), 1, 'an already settled promise beats a 0 ms timer');
  assert.deepEqual(await outcome(withTimeout(Promise.reject(new URIError('u')), 50, 'x')), ['rejected', 'URIError']);
  const slow = new Promise(() => {});
  await assert.rejects(withTimeout(slow, 1, 'the thing'), {
    name: 'TimeoutError',
    message: 'the thing did not finish within 1 ms',
  });
});

test('addDoneCallback: in order when done, at once if already done, with the future', async () => {
  const calls = [];
  const f = new Future();
  f.addDoneCallback((g) => calls.push(['first', g === f]));
  f.addDoneCallback(() => calls.push(['second', f.done()]));
  assert.deepEqual(calls, []);
  f._resolve(1);
  assert.deepEqual(calls, [
    ['first', true],
    ['second', true],
  ]);
  f.addDoneCallback(() => calls.push(['late', true]));
  assert.deepEqual(calls.at(-1), ['late', true], 'called synchronously when already done');
  f._reject(new Error('ignored'));
  assert.equal(calls.length, 3, 'callbacks run once');

  const cancelled = new Future({ withdraw: () => true });
  cancelled.addDoneCallback((g) => calls.push(['cancelled', g.cancelled()]));
  cancelled.cancel();
  assert.deepEqual(calls.at(-1), ['cancelled', true]);
  assert.throws(() => f.addDoneCallback('not a function'), TypeError);
});

test('a throwing done-callback is reported with console.error and does not stop the others', async () => {
  const calls = [];
  const f = new Future();
  const logged = await capturingConsoleError(() => {
    f.addDoneCallback(() => {
      throw new Error('callback bug');
    });
    f.addDoneCallback(() => calls.push('after'));
    f._resolve('v');
    f.addDoneCallback(() => {
      throw new Error('late bug');
    });
  });
  assert.deepEqual(calls, ['after']);
  assert.equal(logged.length, 2);
  assert.match(logged[0][0], /done-callback/);
  assert.equal(logged[0][1].message, 'callback bug');
  assert.equal(logged[1][1].message, 'late bug');
  assert.equal(await f, 'v');
});

test('onProgress: each report reaches every listener until it unsubscribes; a throwing listener is reported', async () => {
  const f = new Future();
  const a = [];
  const b = [];
  const offA = f.onProgress((v) => a.push(v));
  f.onProgress((v) => b.push(v));
  f._progress(0.25);
  offA();
  f._progress(0.5);
  assert.deepEqual(a, [0.25]);
  assert.deepEqual(b, [0.25, 0.5]);
  const logged = await capturingConsoleError(() => {
    f.onProgress(() => {
      throw new Error('listener bug');
    });
    f._progress(0.75);
  });
  assert.deepEqual(b, [0.25, 0.5, 0.75]);
  assert.equal(logged.length, 1);
  assert.match(logged[0][0], /progress listener/);
  assert.throws(() => f.onProgress(null), TypeError);
});

test('progress(): an async iterator of the reports that ends when the task does', async () => {
  const f = new Future();
  const it = f.progress();
  assert.equal(it[Symbol.asyncIterator](), it);
  f._progress(1);
  f._progress(2);
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  assert.deepEqual(await it.next(), { done: false, value: 2 });
  const third = it.next(); // waits for a report
  f._progress(3);
  assert.deepEqual(await third, { done: false, value: 3 });
  const end = it.next();
  f._progress(4);
  f._resolve('done');
  assert.deepEqual(await end, { done: false, value: 4 }, 'reports before the end are not lost');
  assert.deepEqual(await it.next(), { done: true, value: undefined });

  const g = new Future();
  const seen = [];
  const consumer = (async () => {
    for await (const p of g.progress()) seen.push(p);
  })();
  await sleep(1);
  g._progress('a');
  await sleep(1);
  g._progress('b');
  g._reject(new Error('failed'));
  await consumer;
  assert.deepEqual(seen, ['a', 'b'], 'a failed task also ends the iteration');

  const h = new Future();
  const stopped = h.progress();
  assert.deepEqual(await stopped.return(), { done: true, value: undefined });
  h._progress('unheard');
  h._resolve(0);
  assert.deepEqual(await stopped.next(), { done: true, value: undefined }, 'return() unsubscribed it');
});
