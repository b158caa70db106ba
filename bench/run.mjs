// npm run bench [-- --browser chromium|firefox|webkit|all] [--runtime browser|node|all] [--json FILE] [--quick] [--only ID,…] [--transport shared|message|all]:
// runs bench/bench.js in headless Chromium and Firefox ESR (default: both, one
// after the other) and the Node.js bench (bench/node/run.mjs, `runtime:
// 'node'` rows), prints a table per browser and one for Node.js, writes
// bench/results/latest.{json,md,svg}, with the browser-independent
// package_size row (what the Vite example app emits for wasmpool, gzip -9:
// tests/examples/package-size.mjs). A run of only some browsers or runtimes
// keeps the others' rows from the previous latest.json; --only runs just the
// listed ids (workloads, idle_cpu, package_size), e.g. --only startup, and
// leaves latest.* alone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../scripts/serve.mjs';
import { BROWSERS, canShareMemory, launch } from '../tests/drivers/index.mjs';
import { idleCpu } from './idle-cpu.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const argValue = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : null);
const jsonPath = argValue('--json');
const quick = args.includes('--quick');
const browserArg = argValue('--browser') ?? 'all';
if (browserArg !== 'all' && !BROWSERS.includes(browserArg)) {
  console.error(`--browser: one of ${BROWSERS.join(', ')}, all (got ${browserArg})`);
  process.exit(2);
}
const only = argValue('--only')?.split(',') ?? null;
const wanted = (id) => only === null || only.includes(id);
const runtimeArg = argValue('--runtime') ?? 'all';
if (!['browser', 'node', 'all'].includes(runtimeArg)) {
  console.error(`--runtime: one of browser, node, all (got ${runtimeArg})`);
  process.exit(2);
}
// 'all' is Chromium and Firefox, which run every row. WebKit cannot share
// memory (tests/drivers/index.mjs): `--browser webkit` runs its message rows.
const browserNames = runtimeArg === 'node' ? [] : browserArg === 'all' ? BROWSERS.filter(canShareMemory) : [browserArg];
const withNode = runtimeArg !== 'browser';
// Where a row was measured: its browser, its runtime ('node'), or 'package'.
const where = (r) => r.browser ?? r.runtime ?? 'package';

// Row fields that are not anchors: every other field of a row is an anchor's
// figure, shown in the table's anchors column.
const NOT_ANCHORS = new Set([
  'id',
  'unit',
  'wasmpool',
  'ratio',
  'target',
  'met',
  'notes',
  'browser',
  'transport',
  'runtime',
  'parts',
]);

const server = await startServer({ isolated: true });
// A plain page too: the workloads marked `message` run there again, on the
// message transport (`--transport message` runs only those; `shared` none).
const plainServer = await startServer({ isolated: false });
const transportArg = argValue('--transport') ?? 'all';
if (!['shared', 'message', 'all'].includes(transportArg)) {
  console.error(`--transport: one of shared, message, all (got ${transportArg})`);
  process.exit(2);
}
// Progress lines as the workloads start (a full run takes ~3 min a browser).
const started = performance.now();
let stepNo = 0;
let steps = 0;
const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const step = (id) => log(`[${++stepNo}/${steps}] ${id}… (${((performance.now() - started) / 1000).toFixed(1)} s)`);

// The workloads of one bench page (bench.html: the npm package's wasm;
// bench.html?demo: the demo crate's, for the workloads that call its Rust
// tasks), in one page of its own.
async function benchPage(browser, name, query, results, transport = 'shared') {
  const page = await browser.newPage();
  page.on('console', (m) => log(`${name}: ${m.text}`));
  page.on('pageerror', (e) => log(`${name}: page error: ${e.message}`));
  await page.goto(`${(transport === 'shared' ? server : plainServer).url}/bench/bench.html${query}`);
  await page.waitFor(() => window.benchReady === true);
  const workloads = (
    await page.evaluate((t) => (t === 'shared' ? window.bench.workloads : window.bench.messageWorkloads), transport)
  ).filter(wanted);
  steps += workloads.length;
  if (workloads.length === 0) {
    await page.close();
    return null;
  }
  await page.evaluate((options) => window.bench.setup(options), { quick, browser: name, transport });
  for (const id of workloads) {
    step(`${name} ${id}${transport === 'message' ? ' (message transport)' : ''}`);
    results.push(...(await page.evaluate((id) => window.bench.run(id), id)));
  }
  const env = await page.evaluate(() => window.bench.teardown());
  await page.close();
  return env;
}

// Every workload in two pages of one browser (see benchPage), then idle_cpu
// in fresh pages of its own; the rows carry `browser`.
async function benchBrowser(name) {
  // exposeGc: the page collects garbage between workloads (Chromium only), so
  // one workload's garbage is not collected on the next one's time.
  const browser = await launch(name, { exposeGc: true });
  try {
    log(`${browser.label} (${browser.version}, headless)`);
    const results = [];
    const shared = transportArg !== 'message' && canShareMemory(name);
    if (transportArg !== 'message' && !shared) log(`${browser.label}: the message transport only (no shared memory)`);
    const packagePage = shared ? await benchPage(browser, name, '', results) : null;
    const demoPage = shared ? await benchPage(browser, name, '?demo', results) : null;
    const messagePage = transportArg !== 'shared' ? await benchPage(browser, name, '', results, 'message') : null;
    const { cores, workers } = packagePage ?? demoPage ?? messagePage ?? { cores: null, workers: null };
    if (shared && wanted('idle_cpu')) {
      steps += 1;
      step(`${name} idle_cpu`);
      results.push(await idleCpu(browser, server.url, { quick, log: (l) => log(`${name}: ${l}`) }));
    }
    return {
      label: `${browser.label} (${browser.version})`,
      cores,
      workers,
      results: results.map((r) => ({ browser: name, ...r })),
    };
  } finally {
    await browser.close();
  }
}

// package_size: what a web app downloads for wasmpool, gzip -9, from the Vite
// example app built on the packed tarball (tests/examples/run.sh size packs,
// installs and measures; tests/examples/package-size.mjs says what is counted).
// Browser-independent: one row, `browser: null`.
function packageSize() {
  const LIMIT = 50_000;
  const row = {
    id: 'package_size',
    unit: 'bytes',
    browser: null,
    target: '≤ 50 KB gzip -9 (wasm + worker + page share, Vite build)',
  };
  const root = path.join(here, '..');
  const out = path.join(root, 'target/examples/package-size.json');
  fs.rmSync(out, { force: true });
  const run = spawnSync('bash', ['tests/examples/run.sh', 'size'], { cwd: root, encoding: 'utf8' });
  if (!fs.existsSync(out)) {
    const tail = `${run.stdout}${run.stderr}`.trim().split('\n').slice(-5).join(' / ');
    return {
      ...row,
      wasmpool: null,
      ratio: null,
      met: false,
      notes: `not measured: tests/examples/run.sh size failed (${tail})`,
    };
  }
  const m = JSON.parse(fs.readFileSync(out, 'utf8'));
  const part = (p) => `${p.gzip.toLocaleString('en')} (${p.bytes.toLocaleString('en')} raw)`;
  return {
    ...row,
    wasmpool: m.total.gzip,
    parts: { ...m.parts, total: m.total },
    ratio: LIMIT / m.total.gzip,
    met: m.met,
    notes:
      `gzip -9 bytes: wasm ${part(m.parts.wasm)}, worker ${part(m.parts.worker)}, ` +
      `page share ${part(m.parts.page)} (wasmpool's own chunk of the page bundle)` +
      (m.problems.length ? `; problems: ${m.problems.join('; ')}` : ''),
  };
}

try {
  const runs = {};
  // (--only package_size needs no browser.)
  if (only === null || only.some((id) => id !== 'package_size')) {
    for (const name of browserNames) runs[name] = await benchBrowser(name);
  }
  if (withNode && (only === null || only.some((id) => id !== 'package_size'))) {
    const { benchNode, NODE_STEPS } = await import('./node/run.mjs');
    steps += NODE_STEPS;
    runs.node = await benchNode({ quick, log: (l) => log(`node: ${l}`), step });
  }
  if (wanted('package_size')) {
    log('package_size (tests/examples/run.sh size)…');
    runs.package = { label: 'Vite example app', results: [packageSize()] };
  }
  const first = Object.values(runs).find((r) => r.workers) ?? { workers: null };
  const date = new Date().toISOString();
  // Rows of browsers/runtimes not run this time stay as the last run left them.
  const latestPath = path.join(here, 'results', 'latest.json');
  const previous = fs.existsSync(latestPath) ? JSON.parse(fs.readFileSync(latestPath, 'utf8')) : null;
  const kept = (previous?.results ?? []).filter((r) => !(where(r) in runs));
  const keptLabels = Object.fromEntries(
    Object.entries(previous?.browsers ?? {}).filter(([n]) => !(n in runs) && kept.some((r) => where(r) === n)),
  );
  // The machine's cores, not a page's navigator.hardwareConcurrency, which
  // WebKitGTK overstates.
  const cores = os.availableParallelism();
  const report = {
    browsers: { ...keptLabels, ...Object.fromEntries(Object.entries(runs).map(([n, r]) => [n, r.label])) },
    cores,
    workers: first.workers,
    results: [...kept, ...Object.values(runs).flatMap((r) => r.results)],
    date,
    // When each section's rows were measured: kept rows keep their run's date.
    dates: {
      ...Object.fromEntries(Object.keys(keptLabels).map((n) => [n, previous?.dates?.[n] ?? previous?.date])),
      ...Object.fromEntries(Object.keys(runs).map((n) => [n, date])),
    },
    machine: `${cores} cores`,
  };

  const fmt = (v) =>
    typeof v !== 'number' || Number.isNaN(v)
      ? ''
      : v >= 1000
        ? Math.round(v).toLocaleString('en')
        : v >= 10
          ? v.toFixed(1)
          : v.toFixed(2);
  // One table (and its notes) per browser.
  const section = (name) => {
    const rows = report.results.filter((r) => where(r) === name);
    const lines = [
      `| ${name === 'node' ? 'runtime' : 'browser'} | id | unit | wasmpool | anchors | ratio (>1 = wasmpool better) | target | met |`,
      `|---|---|---|---|---|---|---|---|`,
    ];
    for (const r of rows) {
      const anchors = Object.entries(r)
        .filter(([k]) => !NOT_ANCHORS.has(k))
        .map(([k, v]) => `${k}: ${fmt(v)}`)
        .join('; ');
      lines.push(
        `| ${where(r)} | ${r.id}${r.transport === 'message' ? ' (message)' : ''} | ${r.unit} | ${fmt(r.wasmpool)} | ${anchors} | ${r.ratio == null ? '—' : r.ratio.toFixed(2)} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`,
      );
    }
    const notes = rows.filter((r) => r.notes).map((r) => `- ${r.id}: ${r.notes}`);
    return [
      `wasmpool benchmarks — ${report.browsers[name]}, ${report.cores} cores, ${report.workers} workers, ${report.dates[name]}${quick ? ' (quick run)' : ''}`,
      '',
      ...lines,
      '',
      ...notes,
    ].join('\n');
  };
  const table = Object.keys(report.browsers).map(section).join('\n\n');
  console.log(`\n${table}\n`);

  // A partial run (--only) leaves the full run's results in place.
  if (only === null) {
    fs.mkdirSync(path.join(here, 'results'), { recursive: true });
    fs.writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    fs.writeFileSync(path.join(here, 'results', 'latest.md'), `${table}\n`);
    fs.writeFileSync(path.join(here, 'results', 'latest.svg'), chart(report));
  }
  if (jsonPath) fs.writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const missed = report.results
    .filter((r) => !r.met)
    .map((r) => `${r.id} (${where(r)}${r.transport === 'message' ? ', message' : ''})`);
  console.log(missed.length ? `targets missed: ${missed.join(', ')}` : 'all targets met');
} finally {
  await server.close();
  await plainServer.close();
}

// A bar per workload and browser: its ratio, with the target ratio (1.0) as a line.
function chart(report) {
  const rows = report.results.filter((r) => typeof r.ratio === 'number');
  const W = 760,
    rowH = 34,
    left = 190,
    top = 40,
    H = top + rows.length * rowH + 30;
  const max = Math.max(2, ...rows.map((r) => r.ratio));
  const x = (v) => left + (Math.log10(1 + v) / Math.log10(1 + max)) * (W - left - 60);
  const bars = rows
    .map((r, i) => {
      const y = top + i * rowH;
      const color = r.met ? '#2a9d58' : '#d0453a';
      return (
        `<text x="${left - 8}" y="${y + 20}" text-anchor="end" font-size="13">${r.id}${r.transport === 'message' ? ' (msg)' : ''} · ${where(r)}</text>` +
        `<rect x="${left}" y="${y + 6}" width="${Math.max(1, x(r.ratio) - left)}" height="20" fill="${color}"/>` +
        `<text x="${x(r.ratio) + 6}" y="${y + 20}" font-size="12">${r.ratio.toFixed(2)}×</text>`
      );
    })
    .join('');
  const one = x(1);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">` +
    `<text x="10" y="22" font-size="14">wasmpool vs anchors (ratio, >1 = wasmpool better; green = target met) — ${Object.values(report.browsers).join('; ')}</text>` +
    bars +
    `<line x1="${one}" y1="${top}" x2="${one}" y2="${H - 24}" stroke="#333" stroke-dasharray="4 3"/>` +
    `<text x="${one}" y="${H - 8}" font-size="11" text-anchor="middle">1×</text></svg>\n`
  );
}
