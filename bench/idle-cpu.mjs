// idle_cpu, measured by the runner: the CPU time the browser uses while a
// page sits idle, read from Linux /proc, for a page with no pool, an idle
// wasmpool pool, an idle workerpool pool, as many bare module workers that
// did nothing (what the browser itself spends on idle workers), and a page
// awaiting a long async task. Each page is fresh (its own browser context) and closed before the
// next one opens.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const IDLE_WORKERS = 8;
const TARGET = 0.5; // % of one core above the page with no pool
// [result key, scenario of bench/workloads/idle-pages.js], in the order measured.
const SCENARIOS = [
  ['none', 'none'],
  ['wasmpool', 'wasmpool'],
  ['workerpool', 'workerpool'],
  ['bare', 'bareWorkers'],
  ['awaiting', 'awaiting'],
  ['noneAgain', 'none'],
];

function clockTicksPerSecond() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

// The CPU time, in clock ticks, of the browser's root process `root` (a child
// of this node process) and every process descended from it (Chromium's
// zygotes and renderers; Firefox's forkserver and the content, socket, RDD
// and utility processes it forks), found by
// walking the ppid links of /proc/*/stat. Each process counts its utime +
// stime and its reaped children's cutime + cstime, so a process that exits
// during the window (and is reaped by its parent, also in the tree) still
// counts its last ticks.
function treeTicks(root) {
  const procs = new Map(); // pid -> { ppid, ticks }
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after "(comm)", which may itself hold spaces and parentheses:
    // state ppid … utime(14) stime(15) cutime(16) cstime(17), 1-based overall.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    procs.set(Number(name), { ppid: Number(f[1]), ticks });
  }
  const children = new Map();
  for (const [pid, { ppid }] of procs) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  let total = 0;
  const stack = procs.has(root) ? [root] : [...(children.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop();
    total += procs.get(pid).ticks;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// % of one core the browser used over `windowMs`, after `settleMs`, with a
// fresh page in which `kind` (bench/workloads/idle-pages.js) was started.
async function measurePage(browser, url, kind, { settleMs, windowMs, hz }) {
  const page = await browser.newPage(); // in a context of its own
  try {
    page.on('pageerror', (e) => process.stderr.write(`[bench] idle page error: ${e.message}\n`));
    await page.goto(`${url}/bench/bench.html`);
    await page.waitFor(() => window.benchReady === true);
    const taskMs = settleMs + windowMs + 5000; // the awaited task outlasts the window
    await page.evaluate(([k, o]) => window.benchIdle.start(k, o), [kind, { workers: IDLE_WORKERS, taskMs }]);
    await sleep(settleMs);
    const t0 = performance.now();
    const ticks0 = treeTicks(browser.pid);
    await sleep(windowMs);
    const ticks = treeTicks(browser.pid) - ticks0;
    const seconds = (performance.now() - t0) / 1000;
    return (100 * ticks) / hz / seconds;
  } finally {
    await page.close();
  }
}

/** The idle_cpu result row; `browser` comes from tests/drivers. `log` prints a progress line. */
export async function idleCpu(browser, url, { quick = false, log = () => {} } = {}) {
  const settleMs = 1000;
  const windowMs = quick ? 3000 : 10_000;
  const base = {
    id: 'idle_cpu',
    unit: `% of one core above a page with no pool (${IDLE_WORKERS} idle workers)`,
    target: `≤ ${TARGET}% of one core above a page with no pool`,
  };
  if (!fs.existsSync('/proc/self/stat')) {
    return { ...base, wasmpool: NaN, ratio: null, met: false, notes: 'not measured: needs Linux /proc' };
  }
  const hz = clockTicksPerSecond();
  const opts = { settleMs, windowMs, hz };
  // The page with no pool first and last: the baseline is their mean, so a
  // drift of the browser's own background work over the run cancels out.
  // First an unmeasured page with no pool: after launch, or after the
  // workloads' page closed, a browser keeps busy for seconds, which would
  // otherwise be counted against whichever page came first.
  await measurePage(browser, url, 'none', { ...opts, windowMs: quick ? 1000 : 5000 });
  const raw = {};
  for (const [key, kind] of SCENARIOS) {
    raw[key] = await measurePage(browser, url, kind, opts);
    log(`idle_cpu: ${key} ${raw[key].toFixed(2)}% of one core`);
  }
  const none = (raw.none + raw.noneAgain) / 2;
  const above = (key) => raw[key] - none;
  const pct = (v) => `${v.toFixed(2)}%`;
  return {
    ...base,
    wasmpool: above('wasmpool'),
    workerpool: above('workerpool'),
    'bare workers': above('bare'),
    ratio: TARGET / Math.max(above('wasmpool'), 0.05),
    met: above('wasmpool') <= TARGET,
    notes:
      `browser CPU (utime+stime of the launched browser's process tree, /proc, ${hz} ticks/s) over ${windowMs / 1000} s ` +
      `after ${settleMs / 1000} s of settling, one fresh page each; raw, % of one core: no pool ${pct(raw.none)} ` +
      `(first) and ${pct(raw.noneAgain)} (last), wasmpool ${pct(raw.wasmpool)}, workerpool ${pct(raw.workerpool)}, ` +
      `${IDLE_WORKERS} bare module workers that did nothing ${pct(raw.bare)} (${pct(above('bare'))} above no pool: ` +
      `the browser's own cost of idle workers); ` +
      `a page awaiting one long async task (2-worker wasmpool, the task waits on a timer) ${pct(raw.awaiting)}, ` +
      `${pct(above('awaiting'))} above no pool; ratio column: ${TARGET}/max(wasmpool, 0.05) (>1 = target met)`,
  };
}
