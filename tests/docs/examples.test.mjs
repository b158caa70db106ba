// Every JavaScript example in README.md and docs/**/*.md runs, and prints
// what its comments say it prints. The convention, read from each fenced code
// block's info string (the words after the opening ```):
//
//   ```js            runs in a page of the browser under test (harness.mjs:
//                    WASMPOOL_BROWSER, WASMPOOL_TRANSPORT), as a module: static
//                    `import … from 'wasmpool'` (the package, PACKAGE) and
//                    top-level `await` work. With WASMPOOL_BROWSER=node it runs
//                    in a Node.js page (tests/drivers/node.mjs), unless it uses
//                    a page global such as `document` (skipped, saying so).
//   ```js browser    the same, in browsers only: skipped in the node target
//                    (what only a page can do, e.g. a blob: task module).
//   ```js plain      in browsers only, on a page without cross-origin
//                    isolation (the message transport's page).
//   ```js node       a Node.js script, run as a .mjs file in a child process
//                    inside the repository, so `import 'wasmpool'` resolves
//                    through package.json's exports as it does for a user.
//                    Runs in the node target (WASMPOOL_BROWSER=node) only.
//   ```js file=NAME  not run: written as NAME next to the document's other
//                    blocks, for them to load (a task module:
//                    `new URL('./NAME', import.meta.url)`).
//   ```js no-run     not run (a config file, or what needs another package or
//                    a server). Blocks of other languages (sh, ts, rust,
//                    html, json, …) are not run either.
//
// Expected output: a comment `// → text` (after a statement, or on a line of
// its own for a further line) is one line the block logs with console.log, in
// order. A block with such comments must log exactly those lines; `…` in the
// text matches anything. A page block's values are written as JSON (strings
// as they are at the top level, like the console: `console.log([1, 4, 9])` →
// `[1,4,9]`, `console.log('done', 2)` → `done 2`; also `12n`, `undefined`,
// `Map [[1,2]]`, `Set [1]`, `Float64Array [0,1]`, an error as
// `Name: message`); a Node.js block's output is what Node.js prints
// (util.inspect: `[ 1, 4, 9 ]`). A block without such
// comments only has to run without throwing. A block fails, naming the
// document and line, when it throws, reports an uncaught error, or logs
// other lines than its comments say. WASMPOOL_DOCS=FILE,… runs the blocks
// of those files instead.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { browserName, closeAll, needs, openPage, PACKAGE, transportName } from '../browser/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Blocks are written under the project (served by scripts/serve.mjs, and
// inside the package for Node.js's self-reference); gitignored.
const RUN_DIR = path.join(ROOT, 'tests/docs/.run', String(process.pid));
const BLOCK_TIMEOUT_MS = 120_000;
const FLAGS = new Set(['node', 'browser', 'plain', 'no-run']);
const RUN_LANGS = new Set(['js', 'javascript', 'mjs']);

after(async () => {
  await closeAll();
  fs.rmSync(RUN_DIR, { recursive: true, force: true });
});

/**
 * README.md and every .md file under docs/ (but docs/api/, TypeDoc's output),
 * as paths relative to the project; WASMPOOL_DOCS=FILE,… names others instead.
 */
function docFiles() {
  if (process.env.WASMPOOL_DOCS) return process.env.WASMPOOL_DOCS.split(',').map((f) => path.relative(ROOT, f));
  const docs = fs.existsSync(path.join(ROOT, 'docs'))
    ? fs
        .readdirSync(path.join(ROOT, 'docs'), { recursive: true })
        .filter((f) => f.endsWith('.md') && !f.startsWith(`api${path.sep}`))
        .map((f) => path.join('docs', f))
        .sort()
    : [];
  return ['README.md', ...docs];
}

/**
 * The fenced code blocks of a Markdown text: { line (1-based, of the opening
 * fence), lang, flags, file, source }. Fences of ``` or ~~~, indented or not
 * (a list item's), closed by a fence of the same kind at least as long.
 */
function codeBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body = [];
    let j = i + 1;
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    for (; j < lines.length && !close.test(lines[j]); j++) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    const [lang = '', ...words] = info.trim().split(/\s+/);
    const file = words.find((w) => w.startsWith('file='))?.slice('file='.length) ?? null;
    blocks.push({
      line: i + 1,
      lang: lang.toLowerCase(),
      flags: words.filter((w) => !w.startsWith('file=')),
      file,
      source: body.join('\n'),
    });
    i = j;
  }
  return blocks;
}

/** The `// → text` comments of a block: { text, line (offset in the block) }. */
function expectations(source) {
  return source.split('\n').flatMap((l, n) => {
    const m = /\/\/\s*→\s?(.*)$/.exec(l);
    return m ? [{ text: m[1].trim(), offset: n + 1 }] : [];
  });
}

/** Whether `actual` is the line `expected` says (`…` matches anything). */
function matches(expected, actual) {
  const pattern = expected
    .split('…')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(actual.trim());
}

/** Fails with the document, line and a line diff unless the logged lines are the expected ones. */
function checkOutput(where, block, logged) {
  const expected = expectations(block.source);
  if (expected.length === 0) return;
  const n = Math.max(expected.length, logged.length);
  let ok = expected.length === logged.length;
  const diff = [];
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = logged[i];
    if (e !== undefined && a !== undefined && matches(e.text, a)) {
      diff.push(`  ${a}`);
      continue;
    }
    ok = false;
    if (e !== undefined) diff.push(`- ${e.text}    (${where.file}:${block.line + e.offset})`);
    if (a !== undefined) diff.push(`+ ${a}`);
  }
  if (!ok) {
    assert.fail(
      `${where.file}:${block.line}: the block logged other lines than its // → comments say ` +
        `(- expected, + logged):\n${diff.join('\n')}`,
    );
  }
}

// Whether an engine parses `await using` (WebKitGTK 2.50 does not, nor
// Node.js 20): where not, esbuild lowers it to the try/finally it stands for.
function nodeHasUsing() {
  try {
    new Function('return async () => { await using x = null; }');
    return true;
  } catch {
    return false;
  }
}
const HAS_USING = { chromium: true, firefox: true, webkit: false, node: nodeHasUsing() };

function asModule(source, lower) {
  if (!lower || !/\busing\b/.test(source)) return source;
  return transformSync(source, { format: 'esm', loader: 'js', supported: { using: false } }).code;
}

/** `import … from 'wasmpool'` (and `import('wasmpool')`) pointed at the package's entry on the server. */
function toPackage(source) {
  return source.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])wasmpool\2/g, `$1'${PACKAGE}'`);
}

// What a page has and a Node.js page does not: a block that uses one is
// skipped in the node target.
const PAGE_GLOBALS =
  /\b(document|window|localStorage|sessionStorage|requestAnimationFrame|HTMLElement|HTMLCanvasElement|customElements|OffscreenCanvas|ImageData|createImageBitmap|crossOriginIsolated)\b|\b(navigator|location)\./;

function pageGlobalOf(source) {
  const code = source.replace(/\/\/.*$/gm, '');
  const m = PAGE_GLOBALS.exec(code);
  return m ? (m[1] ?? m[2]) : null;
}

/** Why this block does not run in this target, or false. */
function skipReason(block) {
  if (block.flags.includes('node')) {
    return browserName() === 'node' ? false : 'a Node.js block: runs in the node target (WASMPOOL_BROWSER=node)';
  }
  if (browserName() === 'node') {
    if (block.flags.includes('browser')) return 'a browser-only block (js browser)';
    if (block.flags.includes('plain')) return needs('nonIsolated');
    const global = pageGlobalOf(block.source);
    if (global) return `the block uses ${global}, a page's global (${needs('dom')})`;
  }
  return false;
}

/** Runs a page block in a fresh page; returns what it logged. */
async function runInPage(where, block, file) {
  const page = await openPage({ isolated: !block.flags.includes('plain') && transportName() === 'shared' });
  try {
    const url = `/${path.relative(ROOT, file).split(path.sep).join('/')}`;
    const result = await page.evaluate(
      async (moduleUrl) => {
        // Console values as JSON, strings bare at the top level (as the console shows them).
        const render = (value, top, seen = new Set()) => {
          if (typeof value === 'string') return top ? value : JSON.stringify(value);
          if (typeof value === 'bigint') return `${value}n`;
          if (typeof value === 'function') return `[Function ${value.name || '(anonymous)'}]`;
          if (typeof value === 'symbol' || value === undefined) return String(value);
          if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
          if (value === null || typeof value !== 'object') return String(value);
          if (seen.has(value)) return '[Circular]';
          seen.add(value);
          const inner = (v) => render(v, false, seen);
          try {
            if (value instanceof Error) return `${value.name}: ${value.message}`;
            if (Array.isArray(value)) return `[${value.map(inner).join(',')}]`;
            if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
              return `${value.constructor.name} [${Array.from(value, inner).join(',')}]`;
            }
            if (value instanceof Map)
              return `Map [${[...value].map(([k, v]) => `[${inner(k)},${inner(v)}]`).join(',')}]`;
            if (value instanceof Set) return `Set [${[...value].map(inner).join(',')}]`;
            if (value instanceof Date) return JSON.stringify(value.toISOString());
            const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${inner(v)}`);
            return `{${entries.join(',')}}`;
          } finally {
            seen.delete(value);
          }
        };
        const lines = [];
        const original = console.log;
        console.log = (...args) => {
          lines.push(args.map((a) => render(a, true)).join(' '));
          original.apply(console, args);
        };
        try {
          await import(moduleUrl);
          return { lines };
        } catch (e) {
          return { lines, error: `${e?.name ?? 'Error'}: ${e?.message ?? e}\n${e?.stack ?? ''}` };
        } finally {
          console.log = original;
        }
      },
      url,
      { timeout: BLOCK_TIMEOUT_MS },
    );
    const uncaught = page.logs.filter((l) => l.startsWith('pageerror:'));
    if (result.error) {
      assert.fail(
        `${where.file}:${block.line}: the block threw ${result.error}\nIt logged:\n${result.lines.join('\n')}`,
      );
    }
    if (uncaught.length)
      assert.fail(`${where.file}:${block.line}: uncaught errors in the page:\n${uncaught.join('\n')}`);
    return result.lines;
  } finally {
    await page.close();
  }
}

/** Runs a Node.js block as a script (cwd: its folder); returns its stdout lines. */
function runInNode(where, block, file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: path.dirname(file), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s) => {
      stderr += s;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), BLOCK_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const why = signal ? `was ended (${signal}; did it hang?)` : `exited with code ${code}`;
        reject(
          new Error(`${where.file}:${block.line}: the Node.js block ${why}\nstderr:\n${stderr}\nstdout:\n${stdout}`),
        );
        return;
      }
      resolve(stdout === '' ? [] : stdout.replace(/\n$/, '').split('\n'));
    });
  });
}

for (const doc of docFiles()) {
  const text = fs.readFileSync(path.join(ROOT, doc), 'utf8');
  const blocks = codeBlocks(text);
  test(doc, async (t) => {
    const dir = path.join(RUN_DIR, doc.replace(/\.md$/, '').replaceAll(path.sep, '_'));
    fs.mkdirSync(dir, { recursive: true });
    // The document's files first: any of its blocks may load them.
    for (const b of blocks.filter((b) => b.file)) {
      const name = path.normalize(b.file);
      if (path.isAbsolute(name) || name.startsWith('..')) assert.fail(`${doc}:${b.line}: file=${b.file}: a plain name`);
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), b.source);
    }
    const count = { run: 0, skipped: 0, notRun: 0, files: 0 };
    for (const block of blocks) {
      if (!RUN_LANGS.has(block.lang)) {
        count.notRun++;
        continue;
      }
      if (block.file) {
        count.files++;
        continue;
      }
      const name = `${doc}:${block.line} (${[block.lang, ...block.flags].join(' ')})`;
      const unknown = block.flags.filter((f) => !FLAGS.has(f));
      if (unknown.length) {
        await t.test(name, () =>
          assert.fail(
            `${doc}:${block.line}: unknown flag ${unknown.join(', ')} (known: ${[...FLAGS].join(', ')}, file=NAME)`,
          ),
        );
        continue;
      }
      if (block.flags.includes('no-run')) {
        count.skipped++;
        await t.test(name, { skip: 'no-run' }, () => {});
        continue;
      }
      const skip = skipReason(block);
      if (skip) {
        count.skipped++;
        await t.test(name, { skip }, () => {});
        continue;
      }
      count.run++;
      await t.test(name, async () => {
        const where = { file: doc };
        const file = path.join(dir, `block-${block.line}.mjs`);
        const lowered = (engine) => asModule(block.source, !HAS_USING[engine]);
        if (block.flags.includes('node')) {
          fs.writeFileSync(file, lowered('node'));
          checkOutput(where, block, await runInNode(where, block, file));
        } else {
          fs.writeFileSync(file, toPackage(lowered(browserName())));
          checkOutput(where, block, await runInPage(where, block, file));
        }
      });
    }
    t.diagnostic(
      `${doc}: ${count.run} run, ${count.skipped} skipped (${browserName()}, ${transportName()}), ` +
        `${count.files} file=, ${count.notRun} not JavaScript`,
    );
  });
}
