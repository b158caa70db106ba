// roundtrip: submit → await of a no-op, one task at a time.
import { latency, log, noop } from './common.js';

export async function roundtrip({ scale, wp, wk, mini }) {
  const n = Math.round(10_000 * scale);
  const a = await latency(() => wp.submit(noop), n);
  const b = await latency(() => wk.exec(noop, []), n);
  const c = await latency(() => mini.exec(noop), n);
  log(
    `roundtrip p50: wasmpool ${a.p50.toFixed(1)} µs, workerpool ${b.p50.toFixed(1)} µs, minimal ${c.p50.toFixed(1)} µs`,
  );
  return {
    id: 'roundtrip',
    unit: 'µs p50 (p99 in notes)',
    wasmpool: a.p50,
    workerpool: b.p50,
    minimal: c.p50,
    notes: `p99: wasmpool ${a.p99.toFixed(0)} µs, workerpool ${b.p99.toFixed(0)} µs, minimal ${c.p99.toFixed(0)} µs`,
    ratio: b.p50 / a.p50,
    target: 'wasmpool p50 ≤ 1/5 of workerpool',
    met: a.p50 * 5 <= b.p50,
  };
}
