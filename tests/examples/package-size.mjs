// What a web app downloads for wasmpool, measured from what Vite emits:
//
//   node tests/examples/package-size.mjs <viteAppDir> [--json FILE]
//
// <viteAppDir> is the Vite example app with the packed tarball installed
// (tests/examples/run.sh sets it up in target/examples/vite). It is built
// again (`vite build`, production, the browser's export conditions) into
// dist-size/ with one change: rollup's manualChunks puts every module of
// node_modules/wasmpool/ that the page imports into a chunk of its own. The
// parts are then
//   - wasm:   the emitted wasmpool_bg-*.wasm;
//   - worker: the emitted worker-*.js (pkg/worker.js as Vite rebuilt it;
//             nothing in it is the app's);
//   - page:   the wasmpool chunk: wasmpool's share of the page bundle, after
//             Vite's tree-shaking and minification (what the app does not
//             import is not in it), plus the few bytes of import/export
//             glue a separate chunk costs (counted against wasmpool).
// Each is reported raw and gzip -9 (zlib level 9); the guard is on the sum of
// the gzip sizes. Exits 1 past the limit, or if a Node built-in reached the
// browser build (Vite's __vite-browser-external stand-in in the chunk).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** The size limit: 52 KB gzip -9 (the aim is back under 50 KB, bench/NOTES.md). */
export const LIMIT_GZIP = 52_000;
/** What we aim at, for headroom below the limit. */
export const AIM_GZIP = 45_000;

const SIZE_CONFIG = `// Written by tests/examples/package-size.mjs: the app's config, with wasmpool's
// page-side modules in a chunk of their own, built into dist-size/.
import base from './vite.config.ts';

const modules = {};
export default {
  ...base,
  build: {
    outDir: 'dist-size',
    emptyOutDir: true,
    rollupOptions: {
      output: { manualChunks: (id) => (id.includes('/node_modules/wasmpool/') ? 'wasmpool' : undefined) },
    },
  },
  plugins: [
    {
      name: 'wasmpool-size-report',
      generateBundle(_options, bundle) {
        for (const item of Object.values(bundle)) {
          if (item.type !== 'chunk') continue;
          // Bytes of each module in the chunk after tree-shaking, before minification.
          modules[item.fileName] = Object.fromEntries(
            Object.entries(item.modules).map(([id, m]) => [id, m.renderedLength]),
          );
        }
        this.emitFile({ type: 'asset', fileName: 'chunk-modules.json', source: JSON.stringify(modules, null, 2) });
      },
    },
  ],
};
`;

const gzip = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

/** Builds `appDir` with the size config and returns the measurement. */
export function measure(appDir) {
  const dir = path.resolve(appDir);
  fs.writeFileSync(path.join(dir, 'vite.size.config.ts'), SIZE_CONFIG);
  execFileSync(
    path.join(dir, 'node_modules/.bin/vite'),
    ['build', '--config', 'vite.size.config.ts', '--logLevel', 'warn'],
    {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  const out = path.join(dir, 'dist-size');
  const assets = fs.readdirSync(path.join(out, 'assets'));
  const chunkModules = JSON.parse(fs.readFileSync(path.join(out, 'chunk-modules.json'), 'utf8'));
  const one = (what, re) => {
    const found = assets.filter((f) => re.test(f));
    if (found.length !== 1) {
      throw new Error(
        `package-size: expected one ${what} (${re}) in ${out}/assets, found: ${found.join(', ') || 'none'}`,
      );
    }
    const file = `assets/${found[0]}`;
    const bytes = fs.readFileSync(path.join(out, file));
    return { file, bytes: bytes.length, gzip: gzip(bytes) };
  };
  const parts = {
    wasm: one('wasm module', /^wasmpool_bg-.*\.wasm$/),
    worker: one('worker script', /^worker-.*\.js$/),
    page: one('wasmpool page chunk', /^wasmpool-.*\.js$/),
  };
  const pageModules = Object.entries(chunkModules[parts.page.file] ?? {}).filter(([, length]) => length > 0);
  const problems = [];
  if (pageModules.length === 0) problems.push(`no module list for ${parts.page.file}`);
  for (const [id] of pageModules) {
    if (!id.includes('/node_modules/wasmpool/'))
      problems.push(`the wasmpool chunk holds a module that is not wasmpool's: ${id}`);
  }
  // Vite replaces a Node built-in imported by browser code with this stand-in.
  for (const [file, ids] of Object.entries(chunkModules)) {
    for (const id of Object.keys(ids)) {
      if (id.includes('__vite-browser-external'))
        problems.push(`${file}: a Node built-in reached the browser build (${id})`);
    }
  }
  const total = {
    bytes: parts.wasm.bytes + parts.worker.bytes + parts.page.bytes,
    gzip: parts.wasm.gzip + parts.worker.gzip + parts.page.gzip,
  };
  return {
    parts,
    total,
    limitGzip: LIMIT_GZIP,
    aimGzip: AIM_GZIP,
    met: total.gzip <= LIMIT_GZIP && problems.length === 0,
    // wasmpool's modules in the page chunk: bytes after tree-shaking, before minification.
    pageModules: Object.fromEntries(
      pageModules.map(([id, length]) => [id.replace(/^.*\/node_modules\/wasmpool\//, ''), length]).sort(),
    ),
    problems,
  };
}

/** One line per part, for logs. */
export function describe(m) {
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  const row = (name, p) =>
    `${name.padEnd(7)} ${String(p.bytes).padStart(8)} B raw ${String(p.gzip).padStart(7)} B gzip -9  ${p.file ?? ''}`;
  return [
    row('wasm', m.parts.wasm),
    row('worker', m.parts.worker),
    row('page', m.parts.page),
    row('total', m.total),
    `limit ${kb(m.limitGzip)} gzip -9 (aim ${kb(m.aimGzip)}): ${kb(m.total.gzip)} ${m.met ? 'within' : 'OVER THE LIMIT'}`,
    ...m.problems.map((p) => `problem: ${p}`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const appDir = args.find((a) => !a.startsWith('--'));
  const jsonAt = args.indexOf('--json');
  if (!appDir) {
    console.error('usage: node tests/examples/package-size.mjs <viteAppDir> [--json FILE]');
    process.exit(2);
  }
  const m = measure(appDir);
  console.log(describe(m));
  if (jsonAt >= 0) fs.writeFileSync(args[jsonAt + 1], `${JSON.stringify(m, null, 2)}\n`);
  process.exit(m.met ? 0 : 1);
}
