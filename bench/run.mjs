// npm run bench [-- --browser chromium|firefox|webkit|all] [--transport shared|message|all] [--json FILE] [--quick]:
// runs bench/bench.js in headless Chromium and Firefox ESR (default: both, one
// after the other), prints a table per browser, writes
// bench/results/latest.{json,md,svg} with every browser's rows.
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
// 'all' is Chromium and Firefox, which run every row. WebKit cannot share
// memory (tests/drivers/index.mjs): `--browser webkit` runs its message rows.
const browserNames = browserArg === 'all' ? BROWSERS.filter(canShareMemory) : [browserArg];
// shared: the isolated page's workloads (and idle_cpu); message: the plain page's rows.
const transportArg = argValue('--transport') ?? 'all';
if (!['shared', 'message', 'all'].includes(transportArg)) {
  console.error(`--transport: one of shared, message, all (got ${transportArg})`);
  process.exit(2);
}
if (transportArg === 'shared' && !browserNames.some(canShareMemory)) {
  console.error(`--transport shared: ${browserNames.join(', ')} cannot share memory; use --transport message`);
  process.exit(2);
}

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
]);

const server = await startServer({ isolated: true });
// A plain page too: the workloads marked `message` run there again, on the message transport.
const plainServer = await startServer({ isolated: false });
// Progress lines as the workloads start (a full run takes ~3 min a browser).
const started = performance.now();
let stepNo = 0;
let steps = 0;
const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const step = (id) => log(`[${++stepNo}/${steps}] ${id}… (${((performance.now() - started) / 1000).toFixed(1)} s)`);

// Every workload of one browser, isolated page then plain page; the rows carry `browser`.
async function benchBrowser(name) {
  // exposeGc: the page collects garbage between workloads (Chromium only), so
  // one workload's garbage is not collected on the next one's time.
  const browser = await launch(name, { exposeGc: true });
  try {
    log(`${browser.label} (${browser.version}, headless)`);
    const shared = transportArg !== 'message' && canShareMemory(name);
    if (transportArg !== 'message' && !shared) log(`${browser.label}: the message transport only (no shared memory)`);
    const results = shared ? await sharedRows(browser, name) : [];
    if (transportArg !== 'shared') results.push(...(await messageRows(browser, name)));
    return {
      label: `${browser.label} (${browser.version})`,
      cores: os.availableParallelism(),
      workers: 2,
      results: results.map((r) => ({ browser: name, ...r })),
    };
  } finally {
    await browser.close();
  }
}

// The isolated page's workloads, then idle_cpu in fresh pages of its own.
async function sharedRows(browser, name) {
  const page = await browser.newPage();
  page.on('console', (m) => log(`${name}: ${m.text}`));
  page.on('pageerror', (e) => log(`${name}: page error: ${e.message}`));
  await page.goto(`${server.url}/bench/bench.html`);
  await page.waitFor(() => window.benchReady === true);
  const workloads = await page.evaluate(() => window.bench.workloads);
  steps += workloads.length + 1;
  await page.evaluate((options) => window.bench.setup(options), { quick, browser: name });
  const results = [];
  for (const id of workloads) {
    step(`${name} ${id}`);
    results.push(...(await page.evaluate((id) => window.bench.run(id), id)));
  }
  await page.evaluate(() => window.bench.teardown());
  await page.close();
  step(`${name} idle_cpu`);
  results.push(await idleCpu(browser, server.url, { quick, log: (l) => log(`${name}: ${l}`) }));
  return results;
}

// The message transport's rows: the same workloads in a page without COOP/COEP.
async function messageRows(browser, name) {
  const page = await browser.newPage();
  try {
    page.on('console', (m) => log(`${name} (message): ${m.text}`));
    page.on('pageerror', (e) => log(`${name} (message): page error: ${e.message}`));
    await page.goto(`${plainServer.url}/bench/bench.html`);
    await page.waitFor(() => window.benchReady === true);
    const workloads = await page.evaluate(() => window.bench.messageWorkloads);
    steps += workloads.length;
    await page.evaluate((options) => window.bench.setup(options), { quick, browser: name, transport: 'message' });
    const rows = [];
    for (const id of workloads) {
      step(`${name} ${id} (message transport)`);
      rows.push(...(await page.evaluate((id) => window.bench.run(id), id)));
    }
    await page.evaluate(() => window.bench.teardown());
    return rows;
  } finally {
    await page.close();
  }
}

try {
  const runs = {};
  for (const name of browserNames) runs[name] = await benchBrowser(name);
  const first = Object.values(runs)[0];
  const report = {
    browsers: Object.fromEntries(Object.entries(runs).map(([n, r]) => [n, r.label])),
    cores: first.cores,
    workers: first.workers,
    results: Object.values(runs).flatMap((r) => r.results),
    date: new Date().toISOString(),
    machine: `${first.cores} cores`,
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
    const rows = report.results.filter((r) => r.browser === name);
    const lines = [
      `| browser | id | unit | wasmpool | anchors | ratio (>1 = wasmpool better) | target | met |`,
      `|---|---|---|---|---|---|---|---|`,
    ];
    for (const r of rows) {
      const anchors = Object.entries(r)
        .filter(([k]) => !NOT_ANCHORS.has(k))
        .map(([k, v]) => `${k}: ${fmt(v)}`)
        .join('; ');
      lines.push(
        `| ${r.browser} | ${r.id}${r.transport === 'message' ? ' (message)' : ''} | ${r.unit} | ${fmt(r.wasmpool)} | ${anchors} | ${r.ratio == null ? '—' : r.ratio.toFixed(2)} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`,
      );
    }
    const notes = rows.filter((r) => r.notes).map((r) => `- ${r.id}: ${r.notes}`);
    return [
      `wasmpool benchmarks — ${report.browsers[name]}, ${report.cores} cores, ${report.workers} workers, ${report.date}${quick ? ' (quick run)' : ''}`,
      '',
      ...lines,
      '',
      ...notes,
    ].join('\n');
  };
  const table = Object.keys(report.browsers).map(section).join('\n\n');
  console.log(`\n${table}\n`);

  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(here, 'results', 'latest.md'), `${table}\n`);
  fs.writeFileSync(path.join(here, 'results', 'latest.svg'), chart(report));
  if (jsonPath) fs.writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const missed = report.results.filter((r) => !r.met).map((r) => `${r.id} (${r.browser}, ${r.transport ?? 'shared'})`);
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
        `<text x="${left - 8}" y="${y + 20}" text-anchor="end" font-size="13">${r.id}${r.transport === 'message' ? ' (msg)' : ''} · ${r.browser}</text>` +
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
