// Load: a million tasks through one pool and a thousand pool lifetimes in one
// page; wasm memory and live workers return to baseline.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, openPage } from './harness.mjs';

after(closeAll);

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
    const heap = () => (performance.memory ? performance.memory.usedJSHeapSize : 0);

    // Warm up once so that the allocator's first growth is not counted.
    {
      const p = new Pool({ workers: 2 });
      await p.submit(() => 1);
      await p.shutdown();
    }
    const baseline = { wasm: wasmBytes(), live: workers.live };

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
      afterCyclesWasm: wasmBytes(),
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
});
