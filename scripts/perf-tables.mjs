// The benchmark figures in the docs come from one place, the last full
// `npm run bench` (bench/results/latest.json). A document asks for a table
// with a pair of markers, on lines of their own:
//
//   <!-- perf-table:NAME -->
//   (generated: do not edit)
//   <!-- /perf-table:NAME -->
//
// and this script fills in what lies between them. The names (tablesOf below):
//
//   summary   headline rows, one column per browser and Node.js: the ratio,
//             wasmpool's figure and the first anchor's; last, the download
//             size (package_size)
//   browsers  every shared-transport row measured in a browser (and idle_cpu),
//             one column per browser, with its anchors and target
//   message   the message-transport rows (plain pages), one column per browser
//   chromium, firefox, webkit, node, package (each key of latest.json's
//             `browsers`): that run's section of bench/results/latest.md, as
//             bench/run.mjs writes it (a heading line, the table, the notes)
//
// Each table says which run it came from: the browsers and runtime with
// their versions, when each was measured, and the machine (the first three
// in a line under the table, a run's section in its heading line).
//
//   node scripts/perf-tables.mjs --write [FILE…]   rewrite the tables in place (npm run docs:tables)
//   node scripts/perf-tables.mjs --check [FILE…]   exit 1 if a table differs from what latest.json gives
//
// Both exit 2 on a marker with an unknown name or without its closing
// marker. A table of figures latest.json does not hold (other runs, the
// measurements in bench/NOTES.md) has no markers. FILEs default to README.md
// and docs/**/*.md (not docs/api/, TypeDoc's output); --results FILE reads
// another bench JSON.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Keys of a result row that are not an anchor's figure (bench/run.mjs's NOT_ANCHORS).
const NOT_ANCHORS = new Set([
  'browser',
  'runtime',
  'transport',
  'id',
  'unit',
  'wasmpool',
  'ratio',
  'target',
  'met',
  'notes',
  'parts',
]);

/** A figure as bench/results/latest.md writes it (bench/run.mjs). */
function fmt(v) {
  if (typeof v !== 'number' || Number.isNaN(v)) return '';
  if (v >= 1000) return Math.round(v).toLocaleString('en');
  return v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function fmtRatio(r) {
  return r == null ? '—' : `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** Where a row was measured: its browser, 'node', or 'package'. */
const where = (r) => r.browser ?? r.runtime ?? 'package';
/** A row's transport; Node.js and idle_cpu rows have none and count as 'shared'. */
const transportOf = (r) => r.transport ?? 'shared';
const anchorsOf = (r) => Object.entries(r).filter(([k, v]) => !NOT_ANCHORS.has(k) && typeof v === 'number');
/** 'Chromium 156 (156.0.8078.108)' → 'Chromium 156'. */
const shortLabel = (report, name) => (report.browsers?.[name] ?? name).replace(/ \(.*$/, '');

const MISSED = '†';

/** The line under a table: the run, the machine, the browsers/runtime of `names`. */
function provenance(report, names) {
  const byDate = new Map();
  for (const n of names) {
    const date = report.dates?.[n] ?? report.date;
    const when = date ? `${date.slice(0, 10)} ${date.slice(11, 16)} UTC` : 'an undated run';
    if (!byDate.has(when)) byDate.set(when, []);
    byDate.get(when).push(report.browsers?.[n] ?? n);
  }
  const list = (xs) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}` : xs[0]);
  const runs = [...byDate].map(([when, labels]) => `${list(labels)} on ${when}`).join('; ');
  const machine = [report.machine, report.workers != null && `${report.workers} workers per pool`]
    .filter(Boolean)
    .join(', ');
  return `From \`bench/results/latest.json\` (\`npm run bench\`): ${runs}; machine: ${machine}.`;
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** The runtimes (browsers in run order, then node) that have a row among `rows`. */
function columnsOf(report, rows) {
  const present = new Set(rows.map(where));
  return Object.keys(report.browsers ?? {}).filter((n) => present.has(n));
}

/**
 * Whether a row's ratio compares wasmpool with an anchor. Some rows' ratio
 * says how far a target was met instead (their notes say "ratio column: …"):
 * those show the figures only.
 */
const comparesAnchor = (r) => r.ratio != null && !/ratio column:/.test(r.notes ?? '');

/** One measurement in a cell: the ratio, wasmpool's figure and its anchors' (†: target missed). */
function cell(r, { anchors = 'all' } = {}) {
  if (!r) return '—';
  const list = anchorsOf(r);
  const shown = anchors === 'first' ? list.slice(0, 1) : list;
  let figures = fmt(r.wasmpool);
  if (shown.length) figures += ` vs ${shown.map(([k, v]) => `${k} ${fmt(v)}`).join('; ')}`;
  const missed = r.met === false ? ` ${MISSED}` : '';
  return comparesAnchor(r) ? `${fmtRatio(r.ratio)}${missed} (${figures})` : `${figures}${missed}`;
}

const FOOTNOTE = `${MISSED}: missed its target in this run (targets: \`bench/results/latest.md\`). Ratio: wasmpool against the first anchor, > 1 = wasmpool better.`;

// The headline rows: id, transport, label.
const SUMMARY_ROWS = [
  { id: 'roundtrip', transport: 'shared', label: 'round trip, submit → await (µs, p50, steady state)' },
  { id: 'roundtrip_p99', transport: 'shared', label: 'round trip p99 (µs, steady state)' },
  { id: 'throughput', transport: 'shared', label: 'throughput, 100,000 tiny tasks (tasks/s)' },
  { id: 'map_small', transport: 'shared', label: '`map` over 100,000 small items (ms)' },
  { id: 'cpu_scaling', transport: 'shared', label: 'Mandelbrot 2048², CPU-bound (ms)' },
  { id: 'idle_cpu', transport: 'shared', label: 'idle pool of 8 workers: CPU above a page without it (% of a core)' },
  { id: 'startup', transport: 'shared', label: "`new Pool()` → ready, a page's later pools (ms)" },
  { id: 'roundtrip', transport: 'message', label: 'message transport: round trip (µs, median batch of 100)' },
  { id: 'throughput', transport: 'message', label: 'message transport: throughput (tasks/s)' },
];

function summary(report) {
  const results = report.results.filter((r) => where(r) !== 'package');
  const find = (spec, name) =>
    results.find((r) => r.id === spec.id && transportOf(r) === spec.transport && where(r) === name);
  const rows = SUMMARY_ROWS.filter((spec) => results.some((r) => r.id === spec.id));
  const columns = columnsOf(
    report,
    results.filter((r) => rows.some((spec) => spec.id === r.id && spec.transport === transportOf(r))),
  );
  const body = rows.map((spec) => [spec.label, ...columns.map((n) => cell(find(spec, n), { anchors: 'first' }))]);
  // The download is the same in every browser: the package_size row in each browser column.
  const size = report.results.find((r) => r.id === 'package_size');
  if (size) {
    const bytes = `${fmt(size.wasmpool)}${size.met === false ? ` ${MISSED}` : ''}`;
    body.push([
      'download: wasm + worker + page share, gzip -9 (bytes)',
      ...columns.map((n) => (n === 'node' ? '—' : bytes)),
    ]);
  }
  const sources = size ? [...columns, 'package'] : columns;
  return [
    table(['workload (unit)', ...columns.map((n) => shortLabel(report, n))], body),
    '',
    `${provenance(report, sources)} ${FOOTNOTE}`,
  ].join('\n');
}

/** A table of the browser rows `pick` keeps: a row per id, a column per browser. */
function perBrowser(report, pick) {
  const rows = report.results.filter((r) => r.browser && pick(r));
  const columns = columnsOf(report, rows);
  const keys = [...new Set(rows.map((r) => `${r.id}\u0000${transportOf(r)}`))];
  const body = keys.map((key) => {
    const group = rows.filter((r) => `${r.id}\u0000${transportOf(r)}` === key);
    const targets = [...new Set(group.map((r) => r.target))];
    const target =
      targets.length === 1 ? targets[0] : group.map((r) => `${shortLabel(report, r.browser)}: ${r.target}`).join('; ');
    return [
      `\`${group[0].id}\``,
      group[0].unit,
      ...columns.map((n) => cell(group.find((r) => r.browser === n))),
      target,
    ];
  });
  return [
    table(['id', 'unit', ...columns.map((n) => shortLabel(report, n)), 'target'], body),
    '',
    `${provenance(report, columns)} ${FOOTNOTE}`,
  ].join('\n');
}

/**
 * One run's section of bench/results/latest.md, exactly as bench/run.mjs
 * writes it: a heading line (the browser or runtime, cores, workers, date),
 * the table, and the rows' notes.
 */
function runSection(report, name) {
  const rows = report.results.filter((r) => where(r) === name);
  const lines = [
    `| ${name === 'node' ? 'runtime' : 'browser'} | id | unit | wasmpool | anchors | ratio (>1 = wasmpool better) | target | met |`,
    '|---|---|---|---|---|---|---|---|',
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
    `wasmpool benchmarks — ${report.browsers[name]}, ${report.cores} cores, ${report.workers} workers, ${report.dates?.[name] ?? report.date}`,
    '',
    ...lines,
    '',
    ...notes,
  ].join('\n');
}

/** bench/results/latest.md as bench/run.mjs writes it from `report` (the sections' check). */
export function latestMarkdown(report) {
  return `${Object.keys(report.browsers)
    .map((n) => runSection(report, n))
    .join('\n\n')}\n`;
}

const FIXED_TABLES = {
  summary,
  browsers: (report) => perBrowser(report, (r) => transportOf(r) === 'shared'),
  message: (report) => perBrowser(report, (r) => r.transport === 'message'),
};

/** The tables `report` can fill: the fixed ones, and a section per run it holds. */
export function tablesOf(report) {
  const sections = Object.fromEntries(Object.keys(report.browsers ?? {}).map((n) => [n, () => runSection(report, n)]));
  return { ...FIXED_TABLES, ...sections };
}

const MARKER = /^<!-- (\/?)perf-table:([\w-]+) -->\s*$/;

/**
 * `text` with every marked table regenerated from `report`: { text, changed:
 * the tables that differed ({ name, line, current, fresh }), errors: what is
 * wrong with a marker (an unknown name, no closing marker), whose text stays }.
 */
export function regenerate(text, report, file = 'text') {
  const tables = tablesOf(report);
  const lines = text.split('\n');
  const out = [];
  const changed = [];
  const errors = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]);
    out.push(lines[i]);
    if (!m) continue;
    const [, closing, name] = m;
    const at = `${file}:${i + 1}`;
    if (closing) {
      errors.push(`${at}: <!-- /perf-table:${name} --> without its opening marker`);
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && MARKER.test(l));
    if (end === -1 || lines[end] !== `<!-- /perf-table:${name} -->`) {
      errors.push(`${at}: perf-table:${name} needs its closing <!-- /perf-table:${name} --> next`);
      continue;
    }
    const current = lines.slice(i + 1, end).join('\n');
    if (Object.hasOwn(tables, name)) {
      const fresh = tables[name](report);
      if (current !== fresh) changed.push({ name, line: i + 1, current, fresh });
      out.push(fresh, lines[end]);
    } else {
      errors.push(`${at}: unknown perf-table ${name} (one of ${Object.keys(tables).join(', ')})`);
      out.push(...lines.slice(i + 1, end), lines[end]);
    }
    i = end;
  }
  return { text: out.join('\n'), changed, errors };
}

/** README.md and docs/**\/*.md, relative to the project. */
function docFiles() {
  const docs = path.join(ROOT, 'docs');
  const found = fs.existsSync(docs)
    ? fs
        .readdirSync(docs, { recursive: true })
        .filter((f) => f.endsWith('.md') && !f.startsWith(`api${path.sep}`))
        .map((f) => path.join(docs, f))
        .sort()
    : [];
  return [path.join(ROOT, 'README.md'), ...found];
}

/** The lines of `a` and `b` that differ, as - / + pairs (enough to see which figure moved). */
function lineDiff(a, b) {
  if (a === '') return '  (empty: never generated)';
  const x = a.split('\n');
  const y = b.split('\n');
  const out = [];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    if (x[i] !== undefined) out.push(`  - ${x[i]}`);
    if (y[i] !== undefined) out.push(`  + ${y[i]}`);
  }
  return out.join('\n');
}

function main(args) {
  const mode = args.includes('--write') ? 'write' : args.includes('--check') ? 'check' : null;
  const resultsAt = args.includes('--results') ? args[args.indexOf('--results') + 1] : null;
  if (!mode) {
    console.error('usage: node scripts/perf-tables.mjs --write|--check [--results FILE] [FILE…]');
    return 2;
  }
  const resultsFile = path.resolve(resultsAt ?? path.join(ROOT, 'bench/results/latest.json'));
  const files = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--results').map((f) => path.resolve(f));
  const report = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  let stale = 0;
  let tables = 0;
  const errors = [];
  for (const file of files.length ? files : docFiles()) {
    const rel = path.relative(process.cwd(), file);
    const before = fs.readFileSync(file, 'utf8');
    const { text, changed, errors: wrong } = regenerate(before, report, rel);
    errors.push(...wrong);
    tables += (before.match(/^<!-- perf-table:/gm) ?? []).length;
    if (mode === 'write') {
      if (text !== before) fs.writeFileSync(file, text);
      for (const c of changed) console.log(`${rel}:${c.line}: perf-table:${c.name} rewritten`);
    } else {
      for (const c of changed) {
        stale++;
        console.error(
          `${rel}:${c.line}: perf-table:${c.name} differs from ${path.relative(process.cwd(), resultsFile)} ` +
            `(- in the file, + from the results):\n${lineDiff(c.current, c.fresh)}`,
        );
      }
    }
  }
  for (const e of errors) console.error(e);
  if (mode === 'check' && stale) console.error(`${stale} table(s) out of date: npm run docs:tables rewrites them`);
  if (errors.length) return 2;
  if (stale) return 1;
  if (mode === 'check') console.log(`${tables} perf table(s) match ${path.relative(process.cwd(), resultsFile)}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exitCode = 2;
  }
}
