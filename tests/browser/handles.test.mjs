// Pool handles: the wp_* exports take a pool's handle, not its address, and
// check it (src/wasm/pools.rs). A pool kept after shutdown, a stale handle
// or a made-up one is a typed error at the call (or, on the per-task hot
// paths, an inert answer): never a read or write of whatever memory now lies
// where the pool was.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage, transportName } from './harness.mjs';

after(closeAll);

test('a Pool kept after shutdown refuses every call with ShutdownError; its futures are settled', async () => {
  const r = await inPage(`async ({ Pool }) => {
    const pool = new Pool({ workers: 1 });
    const done = pool.submit((x) => x, 1);
    const queued = Array.from({ length: 20 }, (_, i) => pool.submit((x) => x, i));
    await pool.shutdown();
    const calls = {
      submit: () => pool.submit((x) => x, 1),
      submitWith: () => pool.submitWith({ timeout: 10 }, (x) => x, 1),
      map: () => pool.map((x) => x, [1, 2]),
      imapUnordered: () => pool.imapUnordered((x) => x, [1, 2]),
      starmap: () => pool.starmap((x) => x, [[1]]),
    };
    const errors = {};
    for (const [name, call] of Object.entries(calls)) {
      try { call(); errors[name] = 'no error'; } catch (e) { errors[name] = e.name; }
    }
    const settled = (await Promise.allSettled([done, ...queued])).every((s) => s.status === 'fulfilled');
    return { errors, settled, cancel: done.cancel(), running: done.running(), again: await pool.shutdown().then(() => 'ok') };
  }`);
  assert.deepEqual(r, {
    errors: {
      submit: 'ShutdownError',
      submitWith: 'ShutdownError',
      map: 'ShutdownError',
      imapUnordered: 'ShutdownError',
      starmap: 'ShutdownError',
    },
    settled: true,
    cancel: false,
    running: false,
    again: 'ok',
  });
});

test('raw exports: a freed, stale or made-up pool handle is a TypeError (an inert answer on the hot paths)', {
  skip: transportName() === 'message' && 'the message transport keeps no pool in wasm memory: no handle to forge',
}, async () => {
  const r = await inPage(
    `async () => {
    const { loadRuntime } = await import('/src/js/runtime.js');
    const rt = await loadRuntime();
    const glue = await import('/pkg/wasmpool.js');
    const outcome = (call) => {
      try { return call(); } catch (e) { return e.name; }
    };
    outcome(() => glue.wp_pool_free(0)); // the page's first error allocates its externref slab
    const heapBefore = glue.wp_heap_bytes();
    const freed = glue.wp_pool_new(8, 1);
    glue.wp_pool_free(freed);
    // A new pool in the same table entry: the freed handle must not reach it.
    const live = glue.wp_pool_new(8, 1);
    const liveId = glue.wp_reserve(live);
    const bad = { freed, zero: 0, madeUp: 0x12345, all: 0xffffffff, liveAsAddress: glue.wp_pool_address(live) };
    const results = {};
    for (const [what, h] of Object.entries(bad)) {
      results[what] = {
        free: outcome(() => glue.wp_pool_free(h)),
        address: outcome(() => glue.wp_pool_address(h)),
        slots: outcome(() => glue.wp_slots_ptr(h)),
        occupy: outcome(() => glue.wp_occupy(h, 0, 1)),
        kill: outcome(() => glue.wp_request_kill(h, 0)),
        abandon: outcome(() => glue.wp_abandon(h, 0)),
        shutdown: outcome(() => glue.wp_begin_shutdown(h, 2)),
        drain: outcome(() => glue.wp_drain_queued(h)),
        start: outcome(() => glue.wp_worker_start(h, 0, 0, 0)),
        reserve: glue.wp_reserve(h),
        publish: glue.wp_publish(h, liveId),
        cancel: glue.wp_cancel(h, liveId),
        pop: glue.wp_pop_completion(h),
        release: glue.wp_release(h, liveId),
        queued: glue.wp_queued(h),
        next: glue.wp_worker_try_next(h, 0),
        complete: glue.wp_worker_complete(h, 0, liveId),
      };
    }
    // The live pool itself: a worker or task it does not have is refused too.
    const outOfRange = {
      occupy: outcome(() => glue.wp_occupy(live, 7, 1)),
      publishOtherSlot: glue.wp_publish(live, 99),
      publishTwice: [glue.wp_publish(live, liveId), glue.wp_publish(live, liveId)],
      queued: glue.wp_queued(live),
    };
    glue.wp_begin_shutdown(live, 2);
    glue.wp_drain_queued(live);
    glue.wp_pool_free(live);
    return { results, outOfRange, heapLeft: glue.wp_heap_bytes() - heapBefore, memoryOk: rt.memory.buffer.byteLength > 0 };
  }`,
    { fresh: true },
  );
  const refused = {
    free: 'TypeError',
    address: 'TypeError',
    slots: 'TypeError',
    occupy: 'TypeError',
    kill: 'TypeError',
    abandon: 'TypeError',
    shutdown: 'TypeError',
    drain: 'TypeError',
    start: 'TypeError',
    reserve: -1,
    publish: false,
    cancel: false,
    pop: -1,
    release: false,
    queued: 0,
    next: -1, // NEXT_EXIT: a worker of no pool leaves
    complete: 0, // COMPLETED_NO
  };
  for (const what of ['freed', 'zero', 'madeUp', 'all', 'liveAsAddress']) {
    assert.deepEqual(r.results[what], refused, `handle ${what}`);
  }
  assert.deepEqual(r.outOfRange, {
    occupy: 'TypeError',
    publishOtherSlot: false,
    publishTwice: [true, false],
    queued: 1,
  });
  assert.equal(r.heapLeft, 0, 'every pool made was freed, once');
});
