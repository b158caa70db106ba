// tsc --checkJs over src/js (npm test): one program per realm, as each
// tsconfig.checkjs*.json sets it up, and the index.d.ts-against-modules test
// (tests/types/exports.ts). Run through the compiler API so that the folders
// not yet held to the check (PENDING) can be left out of the verdict: a
// tsconfig's "exclude" cannot do that, since the files it excludes are still
// checked when an included file imports them.
//
//   node scripts/check-js-types.mjs            errors fail; PENDING ones are counted
//   node scripts/check-js-types.mjs --pending  also lists the PENDING ones

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CONFIGS = [
  'tsconfig.checkjs.json',
  'tsconfig.checkjs-worker.json',
  'tsconfig.checkjs-node.json',
  'tsconfig.checkjs-node-worker.json',
  'tests/types/tsconfig.exports.json',
];

// Folders being rewritten: their errors do not fail the check until they
// pass it; then their line here goes.
const PENDING = [];

const listPending = process.argv.includes('--pending');
const host = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
};

// Each file is judged by the programs it is a root of (its realm's): a
// program that only imports it, as embedded.js imports the worker side into
// the page's, would judge it by another realm's globals.
const programs = [];
const configErrors = [];
for (const config of CONFIGS) {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, config),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(d),
    },
  );
  if (!parsed) continue;
  configErrors.push(...parsed.errors);
  programs.push({
    program: ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options }),
    roots: new Set(parsed.fileNames.map((f) => path.resolve(f))),
  });
}
const isRoot = (file) => programs.some(({ roots }) => roots.has(file));
let files = 0;
/** @type {Map<string, ts.Diagnostic>} one per message: a file in several programs may report an error in each */
const found = new Map(configErrors.map((d) => [ts.formatDiagnostic(d, host), d]));
for (const { program, roots } of programs) {
  files += roots.size;
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file && path.resolve(d.file.fileName);
    if (file && !roots.has(file) && isRoot(file)) continue;
    found.set(ts.formatDiagnostic(d, host), d);
  }
}

const pendingOf = (d) => {
  const file = d.file ? path.relative(root, d.file.fileName) : '';
  return PENDING.find((folder) => file.startsWith(folder));
};
const failing = [];
const pending = new Map(PENDING.map((folder) => [folder, []]));
for (const [text, d] of found) {
  if (d.category !== ts.DiagnosticCategory.Error) continue;
  const folder = pendingOf(d);
  if (folder) pending.get(folder).push(text);
  else failing.push(text);
}

const byPlace = (a, b) => a.localeCompare(b, 'en', { numeric: true });
if (listPending) {
  for (const [folder, texts] of pending) {
    if (texts.length) console.log(`${folder} (pending):\n${texts.sort(byPlace).join('')}`);
  }
}
for (const text of failing.sort(byPlace)) process.stdout.write(text);
for (const [folder, texts] of pending) {
  console.log(
    texts.length
      ? `types: ${texts.length} errors in ${folder}, not counted while it is PENDING (--pending lists them)`
      : `types: ${folder} passes: take it off PENDING in scripts/check-js-types.mjs`,
  );
}
console.log(`types: ${failing.length} errors in ${CONFIGS.length} programs (${files} root files)`);
process.exit(failing.length ? 1 : 0);
