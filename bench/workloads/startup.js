// startup: new Pool → ready, against bare module workers that only say they
// are ready (the target), and, reported, not targets: the same bare workers
// from a blob: URL (where a page's later pools start theirs from:
// page/blob-spawn.js), and workerpool, the pool a page would otherwise use,
// until both its workers have answered a task.

import { Pool } from '../wasmpool.js';
import { log, noop, now, sleep, WORKERS } from './common.js';

let bareBlobUrl = null;

async function bareWorkersMs(url = '/bench/bare-worker.js') {
  const t = now();
  const bare = Array.from({ length: WORKERS }, () => new Worker(url, { type: 'module' }));
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

// The target; the notes also say whether a looser 1.5× bound is met.
const TARGET = 1.2;

export async function startup({ quick, firstPoolMs }) {
  // 20 pools: the ratio of runs of 10 moved too much between runs (bench/NOTES.md).
  const rounds = quick ? 3 : 20;
  let poolMs = 0,
    bareMs = 0,
    bareBlobMs = 0,
    workerpoolTotal = 0;
  bareBlobUrl ??= URL.createObjectURL(
    new Blob([await (await fetch('/bench/bare-worker.js')).text()], { type: 'text/javascript' }),
  );
  for (let r = 0; r < rounds; r++) {
    const t = now();
    const p = new Pool({ workers: WORKERS });
    await p.ready;
    poolMs += now() - t;
    await p.shutdown();
    bareMs += await bareWorkersMs();
    await sleep(20);
    bareBlobMs += await bareWorkersMs(bareBlobUrl);
    await sleep(20);
    workerpoolTotal += await workerpoolMs();
    await sleep(20);
  }
  const wkMs = workerpoolTotal / rounds;
  poolMs /= rounds;
  bareMs /= rounds;
  bareBlobMs /= rounds;
  log(
    `startup: pool ${poolMs.toFixed(1)} ms, bare module workers ${bareMs.toFixed(1)} ms ` +
      `(from a blob: URL ${bareBlobMs.toFixed(1)} ms), workerpool ${wkMs.toFixed(1)} ms`,
  );
  return {
    id: 'startup',
    unit: 'ms',
    wasmpool: poolMs,
    'bare module workers': bareMs,
    'bare, blob: URL': bareBlobMs,
    workerpool: wkMs,
    ratio: (TARGET * bareMs) / poolMs,
    target: `≤ ${TARGET}× bare workers`,
    met: poolMs <= TARGET * bareMs,
    notes:
      `pool/bare = ${(poolMs / bareMs).toFixed(2)}×; reported, not targets: pool/bare from a blob: URL = ` +
      `${(poolMs / bareBlobMs).toFixed(2)}×, pool/workerpool = ${(poolMs / wkMs).toFixed(2)}× ` +
      `(workerpool: both workers' first answer) (ratio column: ${TARGET}×bare/pool, >1 = target met; ` +
      `≤ 1.5×, the looser bound: ${poolMs <= 1.5 * bareMs ? 'met' : 'not met'}); pools ` +
      `started after the page's first, from a blob: copy of the worker script (page/blob-spawn.js); the first's start took ${firstPoolMs.toFixed(1)} ms with fetching and ` +
      'compiling the wasm',
  };
}
