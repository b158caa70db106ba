// throughput: 100,000 tiny tasks submitted at once.
import { log, throughput as tasksPerSecond } from './common.js';

export async function throughput({ scale, wp, wk, mini }) {
  const n = Math.round(100_000 * scale);
  const id = (x) => x;
  const a = await tasksPerSecond((i) => wp.submit(id, i), n);
  const b = await tasksPerSecond((i) => wk.exec(id, [i]), n);
  const c = await tasksPerSecond((i) => mini.exec(id, [i]), n);
  log(`throughput: wasmpool ${Math.round(a)}/s, workerpool ${Math.round(b)}/s, minimal ${Math.round(c)}/s`);
  return {
    id: 'throughput',
    unit: 'tasks/s',
    wasmpool: a,
    workerpool: b,
    minimal: c,
    ratio: a / b,
    target: '≥ 10× workerpool',
    met: a >= 10 * b,
  };
}
