// Worker faults: a Rust panic, a worker that dies by itself, out of memory
// and stray errors. The task rejects with a typed error, the worker is
// replaced, the other tasks are unaffected and memory is freed.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, DEMO, inPage, openPage, transportName } from './harness.mjs';

after(closeAll);

// The demo crate's wasm: its fault injectors (rust_panic, alloc_bytes) and
// Rust tasks ('add') are not in the npm package's.
const entry = DEMO;

test('a Rust panic rejects with PanicError carrying the message; the worker is replaced; others are unaffected', async () => {
  const r = await inPage(
    `async ({ Pool, PanicError }) => {
    await using pool = new Pool({ workers: 2 });
    await pool.ready;
    const before = new Set(await pool.map(() => self.wasmpool.workerId, [1, 2, 3, 4, 5, 6], { chunksize: 1 }));
    const others = Array.from({ length: 200 }, (_, i) => pool.submit((x) => x + 1, i));
    const panic = await pool.submit('rust_panic', 'the dragon woke up').then(() => null, (e) => e);
    const results = await Promise.all(others);
    await new Promise((r) => setTimeout(r, 300)); // the replacement starts
    const after = await pool.map((ms) => { const end = Date.now() + ms; while (Date.now() < end); return self.wasmpool.workerId; }, Array.from({ length: 20 }, () => 5), { chunksize: 1 });
    const rust = await pool.submit('add', 2, 3);
    return {
      typed: panic instanceof PanicError, name: panic.name, message: panic.message,
      othersOk: results.every((v, i) => v === i + 1),
      newWorker: after.some((id) => !before.has(id)),
      rust,
    };
  }`,
    { entry },
  );
  assert.equal(r.typed, true);
  assert.equal(r.name, 'PanicError');
  assert.match(r.message, /the dragon woke up/);
  assert.equal(r.othersOk, true);
  assert.equal(r.newWorker, true, 'the panicked worker was replaced');
  assert.equal(r.rust, 5);
});

test('a worker that dies by itself rejects its task with WorkerCrashedError; queued tasks run on the replacement', async () => {
  const r = await inPage(
    `async ({ Pool, WorkerCrashedError }) => {
    await using pool = new Pool({ workers: 1 });
    await pool.ready;
    const dying = pool.submit(async () => { self.close(); await new Promise((r) => setTimeout(r, 10)); return 'unreachable'; });
    const queued = Array.from({ length: 20 }, (_, i) => pool.submit((x) => x * 2, i));
    const outcome = await dying.then(() => 'resolved', (e) => [e.name, e instanceof WorkerCrashedError]);
    const results = await Promise.all(queued);
    return { outcome, results: results.every((v, i) => v === i * 2) };
  }`,
    { entry },
  );
  assert.deepEqual(r, { outcome: ['WorkerCrashedError', true], results: true });
});

test('out of memory and stray errors: the task rejects (or the error is reported); the pool keeps serving and memory is freed', async () => {
  const p = await openPage();
  const r = await p.evaluate(async (entry) => {
    const { Pool, PanicError } = await import(entry);
    const { loadRuntime } = await import('/src/js/runtime.js');
    const pool = new Pool({ workers: 2 });
    await pool.ready;
    // The message transport's workers each have a memory of their own, freed
    // with the worker: only the shared one can leak a replaced worker's stack.
    const memory = pool.transport === 'shared' ? (await loadRuntime()).memory : { buffer: { byteLength: 0 } };
    const jsOom = await pool
      .submit(() => new ArrayBuffer(2 ** 40).byteLength)
      .then(
        () => 'resolved',
        (e) => e.name,
      );
    const wasmOom = await pool.submit('alloc_bytes', 2 ** 31).then(
      () => 'resolved',
      (e) => [e.name, e instanceof PanicError],
    );
    // Warm up the replacement path, then panic repeatedly: memory stays flat.
    for (let i = 0; i < 3; i++) await pool.submit('rust_panic', 'warm-up').catch(() => {});
    const before = memory.buffer.byteLength;
    for (let i = 0; i < 30; i++) await pool.submit('rust_panic', `again ${i}`).catch(() => {});
    const after = memory.buffer.byteLength;
    const stray = await pool.submit(() => {
      setTimeout(() => {
        throw new Error('stray timer error');
      });
      return 'returned';
    });
    await new Promise((r) => setTimeout(r, 50));
    const still = await pool.submit((x) => x + 1, 1);
    await pool.shutdown();
    return { jsOom, wasmOom, before, after, stray, still };
  }, entry);
  assert.equal(r.jsOom, 'RangeError');
  assert.deepEqual(r.wasmOom, ['PanicError', true]);
  // Each replaced worker's 1 MiB stack and its TLS are freed: without that,
  // 30 panics would grow the memory by more than 30 MiB. (The 1,000-panic
  // test below holds the memory to its size.)
  assert.ok(r.after - r.before < 16 * 2 ** 20, `wasm memory grew by ${r.after - r.before} bytes over 30 panics`);
  assert.equal(r.stray, 'returned');
  assert.equal(r.still, 2);
  assert.ok(
    p.logs.some((l) => /stray timer error/.test(l)),
    'the stray error is reported',
  );
});

// Each panic traps a worker's instance; the page frees its stack, TLS and
// thread heap (its externref slab) and starts another. A slab left unfreed
// would strand a small block per panic, and such blocks keep freed 1 MiB
// stacks from being reused.
test('1,000 Rust panics: the wasm memory and the live heap return to their size before them', {
  timeout: 300_000,
  skip:
    transportName() === 'message' &&
    "the shared memory's size and heap (message transport: a panicked worker's own instance goes with it)",
}, async () => {
  const p = await openPage();
  const r = await p.evaluate(async (panics) => {
    const { Pool } = await import('/crates/wasmpool-demo/js/index.js');
    const { loadRuntime } = await import('/src/js/runtime.js');
    const rt = await loadRuntime();
    const snapshot = () => ({ memory: rt.memory.buffer.byteLength, heap: rt.wasm.wp_heap_bytes() });
    const pool = new Pool({ workers: 2 });
    await pool.ready;
    // Both workers running at once: both replacements have started (and
    // allocated their stacks) when the memory is measured.
    const met = pool.alloc(Int32Array, 1);
    const bothRunning = async () => {
      met[0] = 0;
      // The first to arrive waits (blocking is fine in a worker) for the
      // other, which may take seconds to start on a loaded machine.
      const meet = (count) => {
        if (Atomics.add(count, 0, 1) + 1 >= 2) {
          Atomics.notify(count, 0);
          return true;
        }
        Atomics.wait(count, 0, 1, 120_000);
        return Atomics.load(count, 0) >= 2;
      };
      const [a, b] = await Promise.all([pool.submit(meet, met), pool.submit(meet, met)]);
      if (!a || !b) throw new Error('the two workers did not run at once');
    };
    const panicRound = (round) =>
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          pool.submit('rust_panic', `panic ${round * 10 + i}`).then(
            () => 'resolved',
            (e) => e.name,
          ),
        ),
      );
    // Warm up the replacement path the way it is measured (the allocator's
    // first growth is not counted).
    for (let round = 0; round < 3; round++) await panicRound(round);
    await bothRunning();
    const before = snapshot();
    const outcomes = [];
    for (let round = 0; round < panics / 10; round++) outcomes.push(...(await panicRound(round)));
    await bothRunning();
    const after = snapshot();
    met.free();
    await pool.shutdown();
    return { before, after, stack: rt.stackSize, panicked: outcomes.filter((o) => o === 'PanicError').length };
  }, 1000);
  console.log('1,000 panics:', JSON.stringify(r));
  assert.equal(r.panicked, 1000);
  const grew = r.after.memory - r.before.memory;
  // One stack's worth: a 1 MiB stack plus the allocator's header needs 17
  // wasm pages when the top of the heap has no room left.
  const oneStack = r.stack + 65_536;
  assert.ok(grew <= oneStack, `wasm memory grew by ${grew} bytes over 1,000 panics (at most one stack allowed)`);
  // What is left is each panicking call's own allocations (rust_panic's
  // message and the formatted payload, ~12 bytes): they die with the
  // instance, and only the task could know whom else they were shared with.
  const leaked = r.after.heap - r.before.heap;
  assert.ok(leaked <= 32 * 1000, `the live heap grew by ${leaked} bytes over 1,000 panics`);
});

// A freed thread stack goes to the next thread start, not back to the
// allocator: small blocks allocated in between (a panicked task's leaked
// argument, any long-lived data) would otherwise be carved out of its 1 MiB
// hole, no later stack would fit there, and every replacement would grow the
// memory.
test('freed thread stacks go to the next threads even when small blocks were allocated in between', {
  skip: transportName() === 'message' && 'no shared memory on the message transport',
}, async () => {
  const p = await openPage();
  const r = await p.evaluate(async () => {
    const { Pool } = await import('/crates/wasmpool-demo/js/index.js');
    const { loadRuntime } = await import('/src/js/runtime.js');
    const rt = await loadRuntime();
    const startTwo = async () => {
      const pool = new Pool({ workers: 2 });
      await pool.ready;
      // Both threads have started (and allocated their stacks) once both
      // have run a task at the same time.
      const met = pool.alloc(Int32Array, 1);
      const meet = (count) => {
        Atomics.add(count, 0, 1);
        Atomics.notify(count, 0);
        while (Atomics.load(count, 0) < 2) Atomics.wait(count, 0, Atomics.load(count, 0), 1000);
        return true;
      };
      await Promise.all([pool.submit(meet, met), pool.submit(meet, met)]);
      met.free();
      return pool;
    };
    await (await startTwo()).shutdown();
    // 256 KiB of small blocks, allocated on the page after two stacks were freed.
    const litter = Array.from({ length: 8192 }, () => rt.wasm.__wbindgen_malloc(24, 8));
    const before = rt.memory.buffer.byteLength;
    const pool = await startTwo();
    const after = rt.memory.buffer.byteLength;
    await pool.shutdown();
    for (const ptr of litter) rt.wasm.__wbindgen_free(ptr, 24, 8);
    return { before, after, stack: rt.stackSize };
  });
  // The litter took the first pool's control block's place, so the second
  // pool's (~230 KB) may need new memory; its two stacks must not (without
  // the kept stacks the memory grows by more than a stack here).
  const grew = r.after - r.before;
  assert.ok(
    grew < r.stack,
    `starting two threads grew the wasm memory by ${grew} bytes: their stacks did not reuse the freed ones`,
  );
});

// A worker killed between the two stores of wp_worker_start has a stack in
// its record and no TLS. wasm-bindgen's __wbindgen_thread_destroy reads a 0
// as "the calling thread's": given that record, it freed the page's own TLS
// and set the page's TLS base to -2^31, and the page's next wasm call
// trapped with "memory access out of bounds" (core invariant 10).
test("freeing a killed worker's thread memory never frees the page's own TLS or stack", {
  skip: transportName() === 'message' && 'no shared memory on the message transport',
}, async () => {
  const r = await inPage(
    `async ({ Pool }) => {
      const { loadRuntime } = await import('/src/js/runtime.js');
      const { freeThreadMemory } = await import('/src/js/page/memory/worker-handle.js');
      const rt = await loadRuntime();
      const tlsBefore = rt.wasm.__tls_base.value;
      const stack = rt.wasm.__wbindgen_malloc(rt.stackSize, 16);
      freeThreadMemory(rt, { tls: 0, stack, heap: 0, heapBytes: 0 });
      const tlsAfter = rt.wasm.__tls_base.value;
      let ran;
      try {
        const pool = new Pool({ workers: 1 });
        ran = await pool.submit((x) => x + 1, 41);
        await pool.shutdown();
      } catch (e) {
        ran = e.name + ': ' + e.message;
      }
      return { tlsBefore, tlsAfter, ran };
    }`,
    { fresh: true },
  );
  assert.equal(r.tlsAfter, r.tlsBefore, "the page's TLS base changed: its TLS block was freed");
  assert.equal(r.ran, 42, 'a pool still starts and runs a task on the page afterwards');
});

// terminate() only asks a thread to stop: Chromium lets a worker that is busy
// in a task run on for 2 s. A killed worker's stack and TLS must not be handed
// out again until its thread has ended, or the thread overwrites whatever the
// allocator put there (worker-handle.js kill(), core invariant 10).
test("a force-cancelled Rust task's stack is not handed out again while its thread may still run", {
  skip: transportName() === 'message' && 'no shared memory on the message transport',
}, async () => {
  const p = await openPage();
  try {
    const r = await p.evaluate(async () => {
      const { Pool } = await import('/crates/wasmpool-demo/js/index.js');
      const { loadRuntime } = await import('/src/js/runtime.js');
      const rt = await loadRuntime();
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const pool = new Pool({ workers: 1 });
      await pool.ready;
      const f = pool.submit('stack_scribble', 60_000);
      while (!f.running()) await sleep(1);
      await sleep(50);
      f.cancel({ force: true });
      const outcome = await f.then(
        () => 'resolved',
        (e) => e.name,
      );
      await sleep(20); // the kill is done: the worker is terminated
      // Take what the allocator hands out now: a freed stack would be among it.
      const bytes = rt.stackSize;
      const blocks = Array.from({ length: 16 }, () => rt.wasm.wp_alloc(bytes));
      for (const ptr of blocks) new Uint8Array(rt.memory.buffer, ptr, bytes).fill(0xa5);
      await sleep(500);
      const u8 = new Uint8Array(rt.memory.buffer);
      let overwritten = 0;
      for (const ptr of blocks) for (let i = 0; i < bytes; i++) if (u8[ptr + i] !== 0xa5) overwritten++;
      for (const ptr of blocks) rt.wasm.wp_free(ptr, bytes);
      const after = await pool.submit('add', 2, 3);
      await pool.shutdown();
      return { outcome, overwritten, after };
    });
    assert.deepEqual(r, { outcome: 'CancelledError', overwritten: 0, after: 5 });
  } finally {
    await p.close();
  }
});

// A worker that closes itself mid-batch holds tasks it has not started (and
// results it has not sent): those must run elsewhere, not fail.
test('workers that close themselves amid plain tasks cost only the closing tasks', async () => {
  const r = await inPage(
    `async ({ Pool }) => {
    await using pool = new Pool({ workers: 3 });
    await pool.ready;
    const closers = [];
    const plain = [];
    for (let i = 0; i < 1500; i++) {
      if (i % 50 === 25) closers.push(pool.submit(() => { self.close(); return 'closed'; }));
      else plain.push(pool.submit((x) => x * 2, i).then((v) => v === i * 2 ? 'ok' : 'wrong', (e) => e.name));
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 0));
    }
    const closed = await Promise.all(closers.map((f) => f.then(() => 'resolved', (e) => e.name)));
    const outcomes = await Promise.all(plain);
    const count = (list, v) => list.filter((x) => x === v).length;
    return { plainOk: count(outcomes, 'ok'), plainTotal: outcomes.length, closersCrashed: count(closed, 'WorkerCrashedError') + count(closed, 'resolved'), closers: closed.length };
  }`,
    { entry },
  );
  assert.equal(r.plainOk, r.plainTotal, 'every plain task gives its result');
  assert.equal(r.closersCrashed, r.closers);
});
