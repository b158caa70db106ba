// reserveMemory: the shared memory is sized before the workers start, so a
// run that allocates less never grows it (the Safari workaround, README).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage, transportName } from './harness.mjs';

after(closeAll);

// The message transport has no shared memory to size (each worker's own
// instance grows as it needs, and goes with the worker): only the check of
// the option applies there.
const skip = transportName() === 'message' && 'no shared memory on the message transport';

// In the page: a run that allocates ~60 MiB in all, on the page and in the
// workers (by-reference arrays, large arguments and results, Rust vectors),
// reporting the memory's size before and after. Each test gets a fresh page:
// one page has one shared memory.
const RUN = `async ({ Pool }, options) => {
  const { loadRuntime } = await import('/src/js/runtime.js');
  const rt = await loadRuntime();
  await using pool = new Pool({ workers: 2, ...options });
  await pool.ready;
  const before = rt.memory.buffer.byteLength;
  for (let round = 0; round < 3; round++) {
    const a = pool.alloc(Float64Array, 2 ** 21); // 16 MiB
    await pool.submit((x) => { x.fill(1); return x.length; }, a);
    a.free();
    const big = new Uint8Array(4 * 2 ** 20).fill(7);
    await Promise.all([pool.submit((b) => b.length, big), pool.submit((n) => new Uint8Array(n), 2 ** 22)]);
    await Promise.all([pool.submit('alloc_bytes', 8 * 2 ** 20), pool.submit('alloc_bytes', 8 * 2 ** 20)]);
  }
  return { before, after: rt.memory.buffer.byteLength, reserved: options.reserveMemory ?? 0 };
}`;

test('with reserveMemory, a run that allocates less never grows the shared memory', { skip }, async () => {
  const r = await inPage(RUN, { arg: { reserveMemory: 160 * 2 ** 20 }, fresh: true });
  assert.ok(r.before >= r.reserved, `the memory was grown up front (${r.before} ≥ ${r.reserved})`);
  assert.equal(r.after, r.before, 'the memory did not grow during the run');
});

test('without it, the same run grows the memory (so the check above can fail)', { skip }, async () => {
  const r = await inPage(RUN, { arg: {}, fresh: true });
  assert.ok(r.after > r.before, `the memory grew during the run (${r.before} → ${r.after})`);
});

test('reserveMemory is checked at the call: a RangeError for a bad size, a broken pool past the maximum', {
  skip,
}, async () => {
  const r = await inPage(
    `async ({ Pool }) => {
      const bad = (() => { try { new Pool({ reserveMemory: -1 }); } catch (e) { return e.name; } })();
      const pool = new Pool({ workers: 1, reserveMemory: 2 ** 32, transport: 'shared' });
      const ready = await pool.ready.then(() => 'ready', (e) => e.name + ': ' + e.message);
      return { bad, ready };
    }`,
    { fresh: true },
  );
  assert.equal(r.bad, 'RangeError');
  assert.match(r.ready, /^BrokenPoolError: reserveMemory: cannot grow the shared memory/);
});
