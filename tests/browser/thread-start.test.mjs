// A thread's start on the shared memory. wasm-bindgen's thread start
// allocates (the new thread's stack, then its TLS block) before the thread has
// thread-local storage; until then a thread-local read reads address 0 plus
// its offset, the bottom of the page thread's stack (src/wasm/alloc.rs).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage } from './harness.mjs';

after(closeAll);

test('workers start whatever the first bytes of memory hold (their allocator runs before their TLS exists)', async () => {
  const r = await inPage(`async ({ Pool }) => {
    // A first pool loads the runtime; the glue then returns its exports.
    await new Pool({ workers: 1 }).shutdown();
    const wasm = await (await import('/pkg/wasmpool.js')).default();
    // The bottom 4 KiB of the page thread's 1 MiB stack: untouched at any
    // depth the page reaches. A V8 bug can make a rayon thread's park write
    // 0xffffffff at address 0 (see alloc.rs); this does it on purpose.
    const low = new Uint8Array(wasm.memory.buffer, 0, 4096);
    const saved = low.slice();
    low.fill(0xff);
    try {
      await using pool = new Pool({ workers: 2 });
      await pool.ready;
      const add = (a, b) => a + b;
      const sums = await Promise.all([pool.submit(add, 40, 2), pool.submit(add, 1, 2)]);
      return { sums, low: low.every((b) => b === 0xff) };
    } finally {
      low.set(saved);
    }
  }`);
  assert.deepEqual(r, { sums: [42, 3], low: true });
});
