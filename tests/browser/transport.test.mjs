// Which transport a pool runs, on which page: 'auto' picks shared memory on a
// cross-origin isolated page and message passing on a plain one (saying so
// once, unless quiet); 'shared' where memory cannot be shared is a typed error
// naming the headers; a bad value is an error at the call. These tests open
// both kinds of page themselves, whatever WASMPOOL_TRANSPORT says.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { browserName, canShareMemory, closeAll, inPage, needs, openPage } from './harness.mjs';

after(closeAll);

async function onPage(isolated, fn) {
  const page = await openPage({ isolated });
  try {
    return { r: await page.evaluate(fn), logs: page.logs };
  } finally {
    await page.close();
  }
}

const skip = needs('nonIsolated');

test("a plain page: 'auto' runs the message transport and says so once; quiet silences it", { skip }, async () => {
  const { r, logs } = await onPage(false, async () => {
    const { Pool, MultiprocessingPool } = await import('/src/js/index.js');
    const a = new Pool({ workers: 1 });
    const b = new Pool({ workers: 1 });
    const mp = new MultiprocessingPool({ processes: 1 });
    const out = {
      isolated: self.crossOriginIsolated,
      transports: [a.transport, b.transport],
      results: [
        await a.submit((x) => x + 1, 41),
        await b.submit(() => typeof SharedArrayBuffer),
        await mp.apply((x) => x * 2, [21]),
      ],
    };
    await Promise.all([a.shutdown(), b.shutdown(), mp.terminate()]);
    return out;
  });
  assert.deepEqual(r, { isolated: false, transports: ['message', 'message'], results: [42, 'undefined', 42] });
  const infos = logs.filter((l) => l.startsWith('info: wasmpool:'));
  assert.equal(infos.length, 1, `one note for the page, got ${JSON.stringify(logs)}`);
  assert.match(infos[0], /message transport/);
  assert.match(infos[0], /Document-Isolation-Policy/);

  const quiet = await onPage(false, async () => {
    const { Pool } = await import('/src/js/index.js');
    const pool = new Pool({ workers: 1, quiet: true });
    const v = await pool.submit(() => 7);
    await pool.shutdown();
    return [pool.transport, v];
  });
  assert.deepEqual(quiet.r, ['message', 7]);
  assert.deepEqual(
    quiet.logs.filter((l) => l.includes('wasmpool')),
    [],
  );
});

test("an isolated page: 'auto' runs the shared transport, silently; 'message' can be asked for", {
  skip:
    (needs('dom') && 'the message transport is for pages (Node.js: the shared transport)') ||
    (!canShareMemory() &&
      'WebKit cannot share memory even on an isolated page (isolation.test.mjs checks it runs message there)'),
}, async () => {
  const { r, logs } = await onPage(true, async () => {
    const { Pool, NotIsolatedError } = await import('/src/js/index.js');
    const shared = new Pool({ workers: 1 });
    const message = new Pool({ workers: 1, transport: 'message' });
    await Promise.all([shared.ready, message.ready]);
    let alloc;
    try {
      message.alloc(Float64Array, 4);
    } catch (e) {
      alloc = [e instanceof NotIsolatedError, e.message];
    }
    const out = {
      transports: [shared.transport, message.transport],
      results: [await shared.submit(() => 1), await message.submit(() => 2)],
      sharedAlloc: shared.alloc(Float64Array, 4).length,
      alloc,
    };
    await Promise.all([shared.shutdown(), message.shutdown()]);
    return out;
  });
  assert.deepEqual(r.transports, ['shared', 'message']);
  assert.deepEqual(r.results, [1, 2]);
  assert.equal(r.sharedAlloc, 4);
  assert.equal(r.alloc[0], true, 'alloc on the message transport is a NotIsolatedError');
  assert.match(r.alloc[1], /pool\.alloc\(\)/);
  assert.match(r.alloc[1], /Cross-Origin-Opener-Policy/);
  assert.deepEqual(
    logs.filter((l) => l.includes('wasmpool:')),
    [],
    'no fallback note: the message transport was asked for',
  );
});

test("'shared' on a plain page: NotIsolatedError naming COOP/COEP and Document-Isolation-Policy; bad values: RangeError", {
  skip,
}, async () => {
  const { r } = await onPage(false, async () => {
    const { Pool, MultiprocessingPool, NotIsolatedError } = await import('/src/js/index.js');
    const attempt = (make) => {
      try {
        make();
        return 'no error';
      } catch (e) {
        return { name: e.name, typed: e instanceof NotIsolatedError, message: e.message };
      }
    };
    return {
      pool: attempt(() => new Pool({ workers: 1, transport: 'shared' })),
      mp: attempt(() => new MultiprocessingPool({ processes: 1, transport: 'shared' })),
      bad: attempt(() => new Pool({ transport: 'sab' })),
      badType: attempt(() => new Pool({ transport: true })),
    };
  });
  for (const e of [r.pool, r.mp]) {
    assert.equal(e.name, 'NotIsolatedError');
    assert.ok(e.typed);
    assert.match(e.message, /transport: 'shared'/);
    assert.match(e.message, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(e.message, /Cross-Origin-Embedder-Policy: require-corp/);
    assert.match(e.message, /Document-Isolation-Policy: isolate-and-require-corp/);
  }
  assert.equal(r.bad.name, 'RangeError');
  assert.match(r.bad.message, /transport must be 'auto', 'shared' or 'message'/);
  assert.equal(r.badType.name, 'RangeError');
});

test('tasks a replaced worker held but had not started run on its replacement, in order: none lost', {
  skip,
}, async () => {
  // Both transports where the browser can share memory; WebKit runs message only.
  for (const isolated of canShareMemory() ? [false, true] : [false]) {
    const { r } = await onPage(isolated, async () => {
      const { Pool, TaskOptions } = await import('/src/js/index.js');
      const pool = new Pool({ workers: 1, quiet: true });
      // Tiny tasks first: the message transport then hands a worker many at once.
      await Promise.all(Array.from({ length: 2000 }, (_, i) => pool.submit((x) => x, i)));
      const stuck = pool.submit(
        () => {
          for (;;) {}
        },
        new TaskOptions({ timeout: 300 }),
      );
      const behind = Array.from({ length: 50 }, (_, i) => pool.submit((x) => [x, self.wasmpool.workerId], i));
      const outcome = await stuck.then(
        () => 'resolved',
        (e) => e.name,
      );
      const results = await Promise.all(behind);
      await pool.shutdown();
      return {
        transport: pool.transport,
        outcome,
        values: results.map(([x]) => x).join(),
        workers: new Set(results.map(([, id]) => id)).size,
      };
    });
    assert.equal(r.transport, isolated ? 'shared' : 'message');
    assert.equal(r.outcome, 'TimeoutError');
    assert.equal(r.values, Array.from({ length: 50 }, (_, i) => i).join(), 'every task behind it ran once, in order');
    assert.equal(r.workers, 1, 'on the replacement worker');
  }
});

test("Node.js: transport 'message' is refused at the call with what to use instead", {
  skip: browserName() !== 'node' && 'only Node.js starts no message-transport workers',
}, async () => {
  const r = await inPage(`async ({ Pool, PoolError }) => {
    try {
      new Pool({ workers: 1, transport: 'message' });
      return 'constructed';
    } catch (e) {
      return [e instanceof PoolError, e.message];
    }
  }`);
  assert.equal(r[0], true);
  assert.match(r[1], /not available in Node.js.*use transport: 'auto' or 'shared'/);
});
