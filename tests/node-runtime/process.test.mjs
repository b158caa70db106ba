// wasmpool in a Node.js process of its own (fixtures/script.mjs imports
// 'wasmpool' as an application does): the process exits by itself when its
// work is done, with or without shutdown(); a busy pool holds it, an idle one
// does not unless keepAlive; shut down, nothing of the pool is left; task
// modules as paths and URLs; no message per task. The browser suites cover
// the rest of the behaviour on Node.js too (WASMPOOL_BROWSER=node).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(HERE, 'fixtures', 'script.mjs');
const ROOT = path.resolve(HERE, '../..');

// A deadline against hangs only: a process that does not exit by itself is
// the failure these tests look for, and a live one would never end.
const HANG_MS = 60_000;

/** Runs the script's `mode` in a plain `node` (no flags); resolves to its exit and JSON lines. */
function run(mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${mode}: the process did not exit by itself within ${HANG_MS} ms; stdout: ${stdout}`));
    }, HANG_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      resolve({ code, signal, lines, stderr });
    });
  });
}

test('a script that never calls shutdown() exits by itself once its work is done (crash, timeout and maxTasksPerChild replacements included)', async () => {
  const r = await run('forget-shutdown');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines, [
    { values: [2, 4, 6, 8, 10, 12, 14, 16], crash: 'WorkerCrashedError', timeout: 'TimeoutError', after: 2 },
  ]);
});

test('after shutdown() nothing of the pool keeps the process alive (no handle left) and it exits', async () => {
  const r = await run('shutdown');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines[0], { value: 42 });
  const { before, after } = r.lines[1];
  assert.deepEqual(
    after.filter((h) => !before.includes(h)),
    [],
    `handles left after shutdown: ${after}`,
  );
});

test('a busy pool holds the process: a result nobody awaits still arrives before it exits', async () => {
  const r = await run('fire-and-forget');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines, [{ value: 'late result' }]);
});

test('keepAlive: an idle pool holds the process until it is shut down', async () => {
  const r = await run('keep-alive');
  assert.equal(r.code, 0, r.stderr);
  // The unref'd timer fired: only the pool could have kept the process alive for it.
  assert.deepEqual(r.lines, [{ value: 'first' }, { stillAlive: true }]);
});

test('task modules: a relative path, an absolute path, a file: URL object and its string', async () => {
  const r = await run('module-paths');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines, [{ results: [42, 42, 42, 42] }]);
});

test('steady state sends no message per task (worker_threads messages counted)', async () => {
  const r = await run('messages');
  assert.equal(r.code, 0, r.stderr);
  const [{ small, large, total }] = r.lines;
  assert.equal(small, 0, `messages during a 100-task burst: ${small}`);
  assert.equal(large, 0, `messages during a 20,000-task burst: ${large}`);
  // Start-up and exit do use messages: the counter itself works.
  assert.ok(total.toWorkers >= 2 && total.fromWorkers >= 2, JSON.stringify(total));
});
