// memory: the wasm memory and JS heap of a fresh pool, after creation and
// after 100,000 tasks.

import { Pool } from '../wasmpool.js';
import { log, throughput, WORKERS } from './common.js';

// performance.memory is Chromium's only.
const heap = () => (performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : NaN);
const heapText = (a, b) =>
  Number.isNaN(a) ? 'JS heap not reported by this browser' : `JS heap ${a.toFixed(1)} → ${b.toFixed(1)} MiB`;

export async function memory({ scale, rt }) {
  const p = new Pool({ workers: WORKERS });
  await p.ready;
  const afterCreate = { wasm: rt.memory.buffer.byteLength / 2 ** 20, heap: heap() };
  await throughput((i) => p.submit((x) => x, i), Math.round(100_000 * scale));
  const after = { wasm: rt.memory.buffer.byteLength / 2 ** 20, heap: heap() };
  await p.shutdown();
  log(
    `memory: wasm ${afterCreate.wasm.toFixed(2)} → ${after.wasm.toFixed(2)} MiB, ${heapText(afterCreate.heap, after.heap)}`,
  );
  return {
    id: 'memory',
    unit: 'MiB',
    wasmpool: after.wasm,
    notes: `wasm memory ${afterCreate.wasm.toFixed(2)} MiB after creation, ${after.wasm.toFixed(2)} MiB after 100,000 tasks; ${heapText(afterCreate.heap, after.heap)}`,
    ratio: null,
    target: 'reported',
    met: true,
  };
}
