// startup: new Pool → ready, against bare module workers that only say they
// are ready (the target), and workerpool (reported, not a target): the pool
// a page would otherwise use, until both its workers have answered a task.

import { Pool } from '../wasmpool.js';
import { log, noop, now, sleep, WORKERS } from './common.js';

async function bareWorkersMs() {
  const t = now();
  const bare = Array.from({ length: WORKERS }, () => new Worker('/bench/bare-worker.js', { type: 'module' }));
  await Promise.all(
    bare.map(
      (w) =>
        new Promise((r) => {
          w.onmessage = r;
        }),
    ),
  );
  const ms = now() - t;
  for (const w of bare) w.terminate();
  return ms;
}

// workerpool starts a worker per task in flight: WORKERS tasks at once start
// them all, and the last answer is when they all are up (plus one task each).
async function workerpoolMs() {
  const t = now();
  const wk = workerpool.pool({ maxWorkers: WORKERS });
  await Promise.all(Array.from({ length: WORKERS }, () => wk.exec(noop, [])));
  const ms = now() - t;
  await wk.terminate();
  return ms;
}

// The lean package's target; the Firefox issue's 1.5× is reported in the notes.
const TARGET = 1.2;

export async function startup({ quick, firstPoolMs }) {
  // 20 pools: runs of 10 moved 1.18-1.32× in Chromium, 1.18-1.45× in Firefox.
  const rounds = quick ? 3 : 20;
  let poolMs = 0,
    bareMs = 0,
    workerpoolTotal = 0;
  for (let r = 0; r < rounds; r++) {
    const t = now();
    const p = new Pool({ workers: WORKERS });
    await p.ready;
    poolMs += now() - t;
    await p.shutdown();
    bareMs += await bareWorkersMs();
    await sleep(20);
    workerpoolTotal += await workerpoolMs();
    await sleep(20);
  }
  const wkMs = workerpoolTotal / rounds;
  poolMs /= rounds;
  bareMs /= rounds;
  log(
    `startup: pool ${poolMs.toFixed(1)} ms, bare module workers ${bareMs.toFixed(1)} ms, workerpool ${wkMs.toFixed(1)} ms`,
  );
  return {
    id: 'startup',
    unit: 'ms',
    wasmpool: poolMs,
    'bare module workers': bareMs,
    workerpool: wkMs,
    ratio: (TARGET * bareMs) / poolMs,
    target: `≤ ${TARGET}× bare workers`,
    met: poolMs <= TARGET * bareMs,
    notes:
      `pool/bare = ${(poolMs / bareMs).toFixed(2)}×, pool/workerpool = ${(poolMs / wkMs).toFixed(2)}× ` +
      `(workerpool: both workers' first answer, reported, not a target) (ratio column: ${TARGET}×bare/pool, >1 = target met; ` +
      `≤ 1.5×, the Firefox issue's target: ${poolMs <= 1.5 * bareMs ? 'met' : 'not met'}); pools ` +
      `started after the page's first, whose start took ${firstPoolMs.toFixed(1)} ms with fetching and ` +
      'compiling the wasm',
  };
}
