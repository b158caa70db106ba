// throughput: 100,000 tiny tasks submitted at once.
import { log, throughput as tasksPerSecond } from './common.js';

// Targets: 10× workerpool with shared memory, 3× with messages.
const TARGET = { shared: 10, message: 3 };

export async function throughput({ scale, wp, wk, mini, transport }) {
  const target = TARGET[transport];
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
    target: `≥ ${target}× workerpool`,
    met: a >= target * b,
  };
}
