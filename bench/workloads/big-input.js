// big_input: an 8 MiB argument by reference (pool.alloc), against a no-op
// dispatch, workerpool's structured clone, and transfers on both pools.

import { TaskOptions } from '/src/js/index.js';
import { check, latency, log, noop, pairedLatency } from './common.js';

const N = 1 << 20; // 8 MiB of doubles
const first = (a) => a[0] + a[a.length - 1];

export async function bigInput({ quick, wp, wk }) {
  const n = quick ? 20 : 100;
  const few = Math.max(10, n / 5);
  const shared = wp.alloc(Float64Array, N);
  shared.fill(1.5);
  // The by-reference row against a no-op, alternated and in batches: the two
  // differ by a few µs, less than Firefox's 20 µs clock step.
  const paired = await pairedLatency(
    () => wp.submit(noop),
    () => wp.submit(first, shared),
    { batches: quick ? 10 : 50 },
  );
  const noopLat = { p50: paired.a };
  const sharedLat = { p50: paired.b };
  check((await wp.submit(first, shared)) === 3, 'big_input shared result');
  const plain = new Float64Array(N).fill(1.5);
  const cloneLat = await latency(() => wk.exec(first, [plain]), few);
  const transferLat = await latency(() => {
    const b = new Float64Array(N).fill(1.5);
    return wp.submit(first, b, new TaskOptions({ transfer: [b.buffer] }));
  }, few);
  const wkTransferLat = await latency(() => {
    const b = new Float64Array(N).fill(1.5);
    return wk.exec(first, [b], { transfer: [b.buffer] });
  }, few);
  shared.free();
  log(
    `big_input: shared ${sharedLat.p50.toFixed(0)} µs (no-op ${noopLat.p50.toFixed(0)} µs), workerpool clone ${cloneLat.p50.toFixed(0)} µs, wasmpool transfer ${transferLat.p50.toFixed(0)} µs, workerpool transfer ${wkTransferLat.p50.toFixed(0)} µs`,
  );
  return {
    id: 'big_input',
    unit: 'µs per task (median of batches; transfer and clone rows: p50)',
    wasmpool: sharedLat.p50,
    'wasmpool no-op': noopLat.p50,
    'workerpool clone': cloneLat.p50,
    'wasmpool transfer': transferLat.p50,
    'workerpool transfer': wkTransferLat.p50,
    ratio: (2 * noopLat.p50) / sharedLat.p50,
    target: 'shared ≤ 2× a no-op dispatch',
    met: sharedLat.p50 <= 2 * noopLat.p50,
    notes:
      'ratio column: 2×no-op/shared (>1 = target met); shared and no-op alternate, timed in batches of 20 sequential round trips (median batch), so the clock step does not decide; the transfer rows include creating+filling the 8 MiB array',
  };
}
