// Checks the unpacked `npm pack` tarball of wasmpool:
//
//   node tests/examples/check-tarball.mjs <dir holding the unpacked package/>
//
// - the files the package needs are there (wasm, JS glue, worker bootstrap,
//   entry, types);
// - nothing else is: every file must match the allow-list below, and the usual
//   suspects (Rust sources, tests/, www/, bench/, scripts/, target/,
//   node_modules/) are named in the error;
// - the wasm-bindgen glue exports the wp_* core only (no demo task, no rayon);
// - every relative specifier in a packaged .js/.d.ts (import/export … from,
//   import(), new URL('…', import.meta.url)) resolves to a packaged file, and
//   package.json's main/module/types/exports point at packaged files.
// Prints the file list with sizes; exits 1 with every problem listed.
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve(process.argv[2] || '.');
if (!fs.existsSync(path.join(dir, 'package.json'))) {
  console.error(`check-tarball: no package.json in ${dir}`);
  process.exit(2);
}

function walk(base, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(base, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(base, p));
    else out.push(p);
  }
  return out;
}

const files = walk(dir).sort();
const have = new Set(files);
const problems = [];

const REQUIRED = [
  'package.json',
  'pkg/wasmpool_bg.wasm',
  'pkg/wasmpool.js',
  'pkg/worker.js',
  'src/js/index.js',
  'src/js/index.d.ts',
];
const ALLOWED = [
  /^package\.json$/,
  /^(README|LICEN[CS]E|COPYING|CHANGELOG)[^/]*$/i,
  /^src\/js\/(page\/((message|memory)\/)?|node\/|common\/(codec\/)?)?[^/]+\.(js|d\.ts)$/,
  /^pkg\/[^/]+\.(js|d\.ts|wasm)$/,
];
const FORBIDDEN = [
  [/\.rs$/, 'Rust source'],
  [/^(Cargo\.(toml|lock)|rust-toolchain(\.toml)?|\.cargo\/)/, 'Rust build file'],
  [/(^|\/)tests?\//, 'tests/'],
  [/^www\//, 'www/ (demo)'],
  [/^bench\//, 'bench/'],
  [/^scripts\//, 'scripts/'],
  [/^target\//, 'target/'],
  [/(^|\/)node_modules\//, 'node_modules/'],
  [/^\.tools\//, '.tools/'],
  [/^src\/js\/bundled\//, 'src/js/bundled/ (the JS layer for Rust crates, not for npm)'],
  [/^pkg\/snippets\//, 'pkg/snippets/ (the package imports no wasm-bindgen snippet)'],
  [/\.tgz$/, 'a packed tarball'],
];

for (const f of REQUIRED) if (!have.has(f)) problems.push(`missing required file: ${f}`);
for (const f of files) {
  const bad = FORBIDDEN.find(([re]) => re.test(f));
  if (bad) problems.push(`must not be packed (${bad[1]}): ${f}`);
  else if (!ALLOWED.some((re) => re.test(f)))
    problems.push(`not on the allow-list (wasm, JS glue, worker, types, package.json, README/LICENSE): ${f}`);
}

// Relative specifiers inside packaged modules must resolve inside the package.
const SPECIFIERS = [
  /\b(?:import|export)\s[^'";]*?\sfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /\bimport\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  /\bnew\s+URL\s*\(\s*['"](\.{0,2}\/?[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
];
for (const f of files.filter((f) => /\.(m?js|d\.ts)$/.test(f))) {
  // Comments out (block comments, whole-line and ` // ` trailing ones): they
  // quote code shapes that are not real imports.
  const text = fs
    .readFileSync(path.join(dir, f), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\s\/\/\s.*$/gm, '');
  const seen = new Set();
  for (const re of SPECIFIERS) {
    for (const m of text.matchAll(re)) {
      const spec = m[1];
      if (seen.has(spec) || /^[a-z]+:/i.test(spec)) continue;
      seen.add(spec);
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), spec.replace(/[?#].*$/, '')));
      const candidates = [target];
      if (f.endsWith('.d.ts') && target.endsWith('.js')) candidates.push(target.replace(/\.js$/, '.d.ts'));
      if (!candidates.some((c) => have.has(c)))
        problems.push(`${f}: '${spec}' → ${target}, which is not in the package`);
    }
  }
}

// The package's wasm is the scheduler and the plumbing for Rust tasks only:
// the demo's tasks and rayon live in crates/wasmpool-demo, to keep the package
// small. Their wasm-bindgen exports in the glue would mean they were linked in.
const glueText = have.has('pkg/wasmpool.js') ? fs.readFileSync(path.join(dir, 'pkg/wasmpool.js'), 'utf8') : '';
for (const m of glueText.matchAll(/^export (?:function|class) (\w+)/gm)) {
  if (!/^wp_/.test(m[1]))
    problems.push(`pkg/wasmpool.js exports ${m[1]}: only the wp_* core belongs in the package's wasm`);
}

// package.json entry points.
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const entries = [];
for (const key of ['main', 'module', 'types', 'typings', 'browser'])
  if (typeof pkg[key] === 'string') entries.push([key, pkg[key]]);
(function collect(value, where) {
  if (typeof value === 'string') entries.push([where, value]);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) collect(v, `${where}[${JSON.stringify(k)}]`);
})(pkg.exports, 'exports');
for (const [where, value] of entries) {
  if (value.includes('*')) continue;
  const target = path.posix.normalize(value);
  if (!have.has(target)) problems.push(`package.json ${where} = ${value}, which is not in the package`);
}

let total = 0;
for (const f of files) {
  const size = fs.statSync(path.join(dir, f)).size;
  total += size;
  console.log(`  ${String(size).padStart(9)}  ${f}`);
}
console.log(`  ${String(total).padStart(9)}  total, ${files.length} files (unpacked)`);
if (problems.length) {
  console.error(`\ncheck-tarball: ${problems.length} problem(s) with the npm pack tarball:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log('check-tarball: ok');
