// The benchmark tables in README.md and docs/ are what
// bench/results/latest.json gives (scripts/perf-tables.mjs): after a bench
// run, `npm run docs:tables` rewrites them, and until then this fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { latestMarkdown } from '../../scripts/perf-tables.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'scripts/perf-tables.mjs');

const run = (...args) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });

test('the perf tables in README.md and docs/ match bench/results/latest.json', () => {
  const r = run('--check');
  assert.equal(r.status, 0, `${r.stderr}${r.stdout}`);
});

test("a run's section renders as bench/results/latest.md has it (the format of bench/run.mjs)", () => {
  const report = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results/latest.json'), 'utf8'));
  assert.equal(latestMarkdown(report), fs.readFileSync(path.join(ROOT, 'bench/results/latest.md'), 'utf8'));
});

test('the check fails on a figure that differs, naming the file and line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perf-tables-'));
  try {
    const file = path.join(dir, 'page.md');
    fs.writeFileSync(file, '# page\n\n<!-- perf-table:summary -->\n<!-- /perf-table:summary -->\n');
    assert.equal(run('--write', file).status, 0);
    assert.equal(run('--check', file).status, 0);
    const text = fs.readFileSync(file, 'utf8');
    // A hand edit of one figure: its first ratio.
    fs.writeFileSync(
      file,
      text.replace(/(\| )(\d+\.\d+)×/, (_, bar, x) => `${bar}${(Number(x) + 1).toFixed(2)}×`),
    );
    const r = run('--check', file);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /page\.md:3: perf-table:summary differs/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown table name or a missing closing marker is an error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perf-tables-'));
  try {
    const file = path.join(dir, 'page.md');
    fs.writeFileSync(file, '<!-- perf-table:nope -->\n<!-- /perf-table:nope -->\n');
    const unknown = run('--check', file);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown perf-table nope \(one of summary, browsers, message, chromium, firefox/);
    fs.writeFileSync(file, '<!-- perf-table:node -->\n');
    const unclosed = run('--check', file);
    assert.equal(unclosed.status, 2);
    assert.match(unclosed.stderr, /needs its closing/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
