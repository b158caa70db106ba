// The benchmarks, run in one page of one browser so every figure is a ratio
// against an anchor measured in the same run. Every workload checks its
// results, so a fast wrong answer cannot win.
//
// The runner (bench/run.mjs) drives this page through `window.bench`:
// setup, then run(id) for each id of `workloads` (bench/workloads/index.js:
// those of this page, see bench/wasmpool.js), then teardown. `window.runBench()` does all of it in the page alone (from
// the devtools console of bench.html). `window.benchIdle` starts the idle
// scenarios the runner measures from outside (bench/idle-cpu.mjs).
import { loadRuntime } from '/src/js/runtime.js';
import { DEMO_PAGE, Pool } from './wasmpool.js';
import { check, log, MinimalPool, noop, now, settle, WORKERS } from './workloads/common.js';
import { startIdleScenario } from './workloads/idle-pages.js';
import { WORKLOADS } from './workloads/index.js';

let ctx = null;

// The pools the workloads share (2 workers each) and the runtime. On a plain
// page (`transport: 'message'`) there is no runtime on the page.
async function setup({ quick = false, browser = 'chromium', transport = 'shared' } = {}) {
  // The page's first pool, timed from before the runtime is loaded: a cold
  // start (the startup workload times later pools).
  const t = now();
  const wp = new Pool({ workers: WORKERS, transport, quiet: true });
  check(wp.transport === transport, `the pool runs the ${transport} transport`);
  await wp.ready;
  const firstPoolMs = now() - t;
  const rt = transport === 'shared' ? await loadRuntime() : null;
  const wk = workerpool.pool({ maxWorkers: WORKERS });
  const mini = new MinimalPool(WORKERS);
  // Tasks in flight at once make workerpool start all its workers.
  await Promise.all([...Array.from({ length: WORKERS }, () => wk.exec(noop, [])), mini.exec(noop)]);
  check(wk.stats().totalWorkers === WORKERS, 'workerpool started its workers');
  ctx = { quick, browser, transport, scale: quick ? 0.1 : 1, rt, wp, wk, mini, firstPoolMs };
}

// One workload's rows (an array, even for one row), after letting the
// previous one's garbage and threads settle.
async function run(id) {
  const workload = WORKLOADS.find((w) => w.id === id);
  if (!workload) throw new Error(`unknown workload ${id}`);
  await settle();
  const rows = await workload.run(ctx);
  return (Array.isArray(rows) ? rows : [rows]).map((row) => ({ transport: ctx.transport, ...row }));
}

async function teardown() {
  await ctx.wp.shutdown();
  await ctx.wk.terminate();
  ctx.mini.terminate();
  ctx = null;
  return { cores: navigator.hardwareConcurrency, workers: WORKERS };
}

// Everything in the page alone, with progress lines in the page's log.
async function runBench({ quick = false } = {}) {
  const started = now();
  await setup({ quick });
  const results = [];
  for (const [i, { id }] of OURS.entries()) {
    log(`[${i + 1}/${OURS.length}] ${id}… (${((now() - started) / 1000).toFixed(1)} s)`);
    results.push(...(await run(id)));
  }
  return { browser: navigator.userAgent, ...(await teardown()), results };
}

// This page's workloads: the demo crate's on bench.html?demo, the others on bench.html.
const OURS = WORKLOADS.filter((w) => Boolean(w.demo) === DEMO_PAGE);
window.bench = {
  workloads: OURS.map((w) => w.id),
  // Run again on a plain page, on the message transport (bench/run.mjs).
  messageWorkloads: OURS.filter((w) => w.message).map((w) => w.id),
  setup,
  run,
  teardown,
};
window.benchIdle = { start: startIdleScenario };
window.runBench = runBench;
window.benchReady = true;
