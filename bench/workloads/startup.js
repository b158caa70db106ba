// startup: new Pool → ready, against bare module workers that only say they
// are ready.

import { Pool } from '../wasmpool.js';
import { log, now, sleep, WORKERS } from './common.js';

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

// The lean package's target; the Firefox issue's 1.5× is reported in the notes.
const TARGET = 1.2;

export async function startup({ quick, firstPoolMs }) {
  // 20 pools: runs of 10 moved 1.18-1.32× in Chromium, 1.18-1.45× in Firefox.
  const rounds = quick ? 3 : 20;
  let poolMs = 0,
    bareMs = 0;
  for (let r = 0; r < rounds; r++) {
    const t = now();
    const p = new Pool({ workers: WORKERS });
    await p.ready;
    poolMs += now() - t;
    await p.shutdown();
    bareMs += await bareWorkersMs();
    await sleep(20);
  }
  poolMs /= rounds;
  bareMs /= rounds;
  log(`startup: pool ${poolMs.toFixed(1)} ms, bare module workers ${bareMs.toFixed(1)} ms`);
  return {
    id: 'startup',
    unit: 'ms',
    wasmpool: poolMs,
    'bare module workers': bareMs,
    ratio: (TARGET * bareMs) / poolMs,
    target: `≤ ${TARGET}× bare workers`,
    met: poolMs <= TARGET * bareMs,
    notes:
      `pool/bare = ${(poolMs / bareMs).toFixed(2)}× (ratio column: ${TARGET}×bare/pool, >1 = target met; ` +
      `≤ 1.5×, the Firefox issue's target: ${poolMs <= 1.5 * bareMs ? 'met' : 'not met'}); pools ` +
      `started after the page's first, whose start took ${firstPoolMs.toFixed(1)} ms with fetching and ` +
      'compiling the wasm',
  };
}
