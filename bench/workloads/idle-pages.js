// The page side of idle_cpu: each scenario runs in a fresh page, sets up what
// is to sit idle and returns; the runner (bench/idle-cpu.mjs) then reads the
// browser's CPU time from /proc while the page does nothing.

import { Pool } from '/src/js/index.js';
import { check, noop } from './common.js';

const sleepIn = (ms) => new Promise((r) => setTimeout(r, ms));
const held = []; // what must stay alive while the page is measured

export const IDLE_SCENARIOS = {
  // The same page, with no pool.
  none: async () => ({}),

  // A wasmpool pool that ran a few tasks and is now idle.
  wasmpool: async ({ workers }) => {
    const pool = new Pool({ workers });
    await pool.ready;
    const out = await Promise.all(Array.from({ length: 4 * workers }, (_, i) => pool.submit((x) => x, i)));
    check(out[out.length - 1] === 4 * workers - 1, 'idle wasmpool results');
    held.push(pool);
    return { workers: pool.workers };
  },

  // workerpool starts a worker only when a task finds all existing ones busy,
  // so `workers` tasks that are all in flight at once start `workers` workers.
  workerpool: async ({ workers }) => {
    const pool = workerpool.pool({ maxWorkers: workers });
    await Promise.all(Array.from({ length: workers }, () => pool.exec(sleepIn, [50])));
    check(pool.stats().totalWorkers === workers, `workerpool started ${pool.stats().totalWorkers} workers`);
    held.push(pool);
    return { workers: pool.stats().totalWorkers };
  },

  // Module workers that only said they started: what the browser itself
  // spends on that many idle workers, whatever runs in them.
  bareWorkers: async ({ workers }) => {
    const started = Array.from({ length: workers }, () => {
      const worker = new Worker('/bench/bare-worker.js', { type: 'module' });
      held.push(worker);
      return new Promise((resolve) => {
        worker.onmessage = resolve;
      });
    });
    await Promise.all(started);
    return { workers };
  },

  // A page awaiting one long async task: the worker running it waits in its
  // event loop (a timer), the pool's other worker sleeps, the page awaits.
  awaiting: async ({ taskMs }) => {
    const pool = new Pool({ workers: 2 });
    await pool.ready;
    await pool.submit(noop);
    held.push(pool, pool.submit(sleepIn, taskMs));
    return { workers: pool.workers };
  },
};

export function startIdleScenario(kind, options) {
  const scenario = IDLE_SCENARIOS[kind];
  if (!scenario) throw new Error(`unknown idle scenario ${kind}`);
  return scenario(options);
}
