// Load: a million tasks through one pool, a thousand pool lifetimes and Rust
// panics in one page; wasm memory, the live heap (bytes the Rust allocator
// has out) and live workers return to baseline. WASMPOOL_SOAK=full runs the
// panics at full size too (1,000 instead of 200; faults.test.mjs always
// runs 1,000 in a pool of its own).

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, openPage, transportName } from './harness.mjs';

after(closeAll);

const FULL = process.env.WASMPOOL_SOAK === 'full';

test('soak: 1,000,000 tasks through one pool, then 1,000 create/shutdown cycles', { timeout: 600_000 }, async () => {
  const page = await openPage();
  const r = await page.evaluate(async () => {
    const { trackWorkers } = await import('/tests/browser/fixtures/track-workers.js');
    const workers = trackWorkers();
    const { Pool } = await import('/src/js/index.js');
    const { loadRuntime, canShareMemory } = await import('/src/js/runtime.js');
    // The message transport has no page memory: each worker's own goes with it.
    const rt = canShareMemory() ? await loadRuntime() : null;
    const wasmBytes = () => rt?.memory.buffer.byteLength ?? 0;
    const heapBytes = () => rt?.wasm.wp_heap_bytes() ?? 0;
    const heap = () => (performance.memory ? performance.memory.usedJSHeapSize : 0);

    // Warm up once so that the allocator's first growth is not counted.
    {
      const p = new Pool({ workers: 2 });
      await p.submit(() => 1);
      await p.shutdown();
    }
    const baseline = { wasm: wasmBytes(), heap: heapBytes(), live: workers.live };

    const pool = new Pool({ workers: 2 });
    const t0 = performance.now();
    let checksum = 0;
    const BATCH = 50_000;
    for (let done = 0; done < 1_000_000; done += BATCH) {
      const batch = [];
      for (let i = 0; i < BATCH; i++) batch.push(pool.submit((x) => x & 0xff, done + i));
      for (const v of await Promise.all(batch)) checksum += v;
    }
    const millionMs = performance.now() - t0;
    const afterMillionWasm = wasmBytes();
    const afterMillionHeap = heapBytes();
    await pool.shutdown();
    let expected = 0;
    for (let i = 0; i < 1_000_000; i++) expected += i & 0xff;

    const t1 = performance.now();
    const heapBefore = heap();
    for (let i = 0; i < 1000; i++) {
      const p = new Pool({ workers: 1 });
      if ((await p.submit((x) => x + 1, i)) !== i + 1) throw new Error(`wrong result in cycle ${i}`);
      await p.shutdown();
    }
    const cyclesMs = performance.now() - t1;
    await new Promise((r) => setTimeout(r, 200));
    const result = {
      checksumOk: checksum === expected,
      millionMs,
      tasksPerSecond: Math.round(1e6 / (millionMs / 1000)),
      baseline,
      afterMillionWasm,
      afterMillionHeap,
      afterCyclesWasm: wasmBytes(),
      afterCyclesHeap: heapBytes(),
      liveAfter: workers.live,
      cyclesMs,
      heapBeforeCyclesMB: +(heapBefore / 2 ** 20).toFixed(1),
      heapAfterCyclesMB: +(heap() / 2 ** 20).toFixed(1),
    };
    workers.restore();
    return result;
  });
  console.log('soak figures:', JSON.stringify(r));
  assert.equal(r.checksumOk, true);
  assert.equal(r.liveAfter, 0, 'every worker of every pool was terminated');
  assert.equal(r.afterMillionWasm, r.baseline.wasm, 'wasm memory grew during a million tasks');
  assert.equal(r.afterCyclesWasm, r.baseline.wasm, 'wasm memory grew over 1,000 pool lifetimes');
  assert.equal(r.afterCyclesHeap, r.baseline.heap, 'every pool gave back every byte it allocated');
});

test(`soak: ${FULL ? '1,000' : '200'} Rust panics through one pool`, {
  timeout: 600_000,
  skip:
    transportName() === 'message' &&
    "the shared memory's size and heap (message transport: a panicked worker's own instance goes with it)",
}, async () => {
  const page = await openPage();
  const r = await page.evaluate(
    async (panics) => {
      const { trackWorkers } = await import('/tests/browser/fixtures/track-workers.js');
      const workers = trackWorkers();
      const { Pool } = await import('/crates/wasmpool-demo/js/index.js');
      const { loadRuntime } = await import('/src/js/runtime.js');
      const rt = await loadRuntime();
      const snapshot = () => ({ wasm: rt.memory.buffer.byteLength, heap: rt.wasm.wp_heap_bytes() });
      // Warm up with a pool lifetime of 200 panics: while replacements start
      // as others die, the allocator settles on a layout (the memory grows
      // over the first few dozen panics, then stays).
      const run = async (n) => {
        const pool = new Pool({ workers: 2 });
        for (let done = 0; done < n; done += 10) {
          const round = Array.from({ length: Math.min(10, n - done) }, (_, i) =>
            pool.submit('rust_panic', `panic ${done + i}`),
          );
          await Promise.allSettled(round);
        }
        const ok = await pool.submit((x) => x + 1, 1);
        await pool.shutdown();
        return ok;
      };
      await run(200);
      const baseline = snapshot();
      const t = performance.now();
      const ok = await run(panics);
      const ms = performance.now() - t;
      const after = snapshot();
      const result = { panics, ok, ms: Math.round(ms), baseline, after, stack: rt.stackSize, liveAfter: workers.live };
      workers.restore();
      return result;
    },
    FULL ? 1000 : 200,
  );
  console.log('soak panic figures:', JSON.stringify(r));
  assert.equal(r.ok, 2, 'the pool kept serving');
  assert.equal(r.liveAfter, 0, 'every worker, replaced or not, was terminated');
  // One stack's worth: a 1 MiB stack plus the allocator's header needs 17
  // wasm pages when the top of the heap has no room left, which a
  // replacement may still need once after the warm-up.
  const oneStack = r.stack + 65_536;
  assert.ok(r.after.wasm - r.baseline.wasm <= oneStack, `wasm memory grew by ${r.after.wasm - r.baseline.wasm} bytes`);
  // Each panicking call's own allocations (its message, ~12 bytes) stay.
  assert.ok(
    r.after.heap - r.baseline.heap <= 32 * r.panics,
    `the live heap grew by ${r.after.heap - r.baseline.heap} bytes`,
  );
});
