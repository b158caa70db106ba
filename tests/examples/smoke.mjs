// Browser smoke test of one example app built from the packed tarball.
//
//   node tests/examples/smoke.mjs <target> <appDir> [chromium|firefox]
//
// target: vite-build  `vite preview` of <appDir>/dist (the app's preview.headers)
//         vite-dev    the Vite dev server (the app's server.headers, optimizeDeps)
//         webpack     <appDir>/dist served by scripts/serve.mjs, isolated
//         plain       <appDir> itself served by scripts/serve.mjs, isolated
//                     (in WebKit: with no isolation header at all)
// browser: headless Chromium (default) or Firefox ESR, launched through
// tests/drivers (playwright-core for Chromium, puppeteer-core over
// WebDriver BiDi for Firefox; Debian's browsers, no download), or
// WebKitGTK (WebKitWebDriver; the message transport: WebKit cannot share
// memory with workers, so the page needs no isolation header, and rayon's
// threads cannot run).
// WebDriver classic (WebKit) sees no worker or network events: there the
// page's own results show that workers ran, and failed requests show up as
// the errors they cause.
// Extra: VITE_CONFIG=<file> passes --config to vite (run.sh's diagnostics).
//
// The app's page runs new Pool({ workers: 2 }): submit, map, asCompleted, a
// ShutdownError after shutdown (its name must survive minification), a task
// module (new URL('./tasks.js', import.meta.url)), and puts a JSON result in
// window.__result. The tests check those results, the COOP/COEP
// headers, crossOriginIsolated, and that nothing failed to load or threw. The
// drivers come from the repository's own node_modules (this file's location).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { freePort } from '../drivers/common.mjs';
import { BROWSERS, canShareMemory, launch } from '../drivers/index.mjs';

const [target, appDirArg, browserName = 'chromium'] = process.argv.slice(2);
const TARGETS = ['vite-build', 'vite-dev', 'webpack', 'plain'];
if (!TARGETS.includes(target) || !appDirArg || !BROWSERS.includes(browserName)) {
  console.error(`usage: node smoke.mjs <${TARGETS.join('|')}> <appDir> [${BROWSERS.join('|')}]`);
  process.exit(2);
}
const appDir = path.resolve(appDirArg);
// WebKit runs the message transport only (tests/drivers/index.mjs).
const sharedMemory = canShareMemory(browserName);
const RESULT_TIMEOUT = Number(process.env.EXAMPLES_RESULT_TIMEOUT || 30_000);
const cleanups = [];

/** Starts `vite <args>` in appDir on a free port; resolves with its URL once it answers. */
async function startVite(args) {
  const port = await freePort();
  const config = process.env.VITE_CONFIG ? ['--config', process.env.VITE_CONFIG] : [];
  const child = spawn(
    path.join(appDir, 'node_modules/.bin/vite'),
    [...args, ...config, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite ${args.join(' ')} exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/`);
      if (res.ok) return { url, page: '/', output: () => output };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite ${args.join(' ')} did not answer on ${url} within 30 s:\n${output}`);
}

async function startTarget() {
  switch (target) {
    case 'vite-build':
      return startVite(['preview']);
    case 'vite-dev':
      return startVite([]);
    case 'webpack':
    case 'plain': {
      const root = target === 'webpack' ? path.join(appDir, 'dist') : appDir;
      const srv = await startServer({ root, isolated: sharedMemory });
      cleanups.push(() => srv.close());
      // serve.mjs redirects / to /www/ (the demo): ask for the page itself.
      return { url: srv.url, page: '/index.html', output: () => '' };
    }
  }
}

let browserPromise = null;
after(async () => {
  if (browserPromise) await (await browserPromise).close();
  for (const fn of cleanups.reverse()) await fn();
});

// One server, and one page load per query string; the tests check the outcomes.
let serverPromise = null;
const outcomes = new Map();
async function load(query) {
  serverPromise ??= startTarget();
  const server = await serverPromise;
  browserPromise ??= launch(browserName);
  const browser = await browserPromise;
  const page = await browser.newPage(); // in a context of its own
  cleanups.push(() => page.close().catch(() => {}));
  const problems = []; // page errors, console errors, failed or refused requests
  const requests = []; // every URL the page and its workers fetched, with status
  const workers = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type === 'error') problems.push(`console.error: ${m.text}`);
  });
  const events = new Set(browser.pageEvents);
  if (events.has('worker')) page.on('worker', (url) => workers.push(url));
  // In Chromium these include the workers' own requests.
  if (events.has('requestfailed'))
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url} (${r.error})`));
  if (events.has('response')) {
    page.on('response', (r) => {
      requests.push(`${r.status} ${r.url}`);
      if (r.status >= 400) problems.push(`HTTP ${r.status}: ${r.url}`);
    });
  }
  const describe = (result) =>
    `\nresult: ${JSON.stringify(result)}\nproblems:\n  ${problems.join('\n  ') || '(none)'}\n` +
    `workers: ${workers.join(', ') || '(none)'}\nrequests:\n  ${requests.join('\n  ') || '(none)'}`;

  const started = Date.now();
  const url = server.url + server.page + query;
  const response = await page.goto(url);
  if (response.status() !== 200) throw new Error(`GET ${url}: HTTP ${response.status()}`);
  // Wait for window.__result; give up early (8 s on: the page may still be
  // waiting on its own 5 s timeouts) once the page threw an uncaught error,
  // e.g. a module that failed to load.
  let result;
  let firstError = null;
  while (Date.now() - started < RESULT_TIMEOUT) {
    result = await page.evaluate(() => window.__result).catch(() => undefined);
    if (result !== undefined) break;
    if (problems.some((p) => p.startsWith('pageerror'))) {
      firstError ??= Date.now();
      if (Date.now() - firstError > 8_000) break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (result === undefined) {
    const why = firstError ? 'the page threw before producing a result' : `no result within ${RESULT_TIMEOUT} ms`;
    const shown = await page
      .evaluate(() => document.getElementById('result')?.textContent ?? '(no #result element)')
      .catch((err) => `(${err.message})`);
    throw new Error(`${why}\n#result: ${shown}${describe(result)}\nserver output:\n${server.output()}`);
  }
  console.log(
    `# ${target}${query} (${browserName}): result in ${Date.now() - started} ms; workers: ` +
      (events.has('worker') ? [...new Set(workers)].join(', ') : '(the driver cannot see them)'),
  );
  for (const r of new Set(requests))
    if (/\.wasm|worker|tasks/i.test(r)) console.log(`# ${target}${query} (${browserName}): ${r}`);
  if (process.env.EXAMPLES_VERBOSE) console.log(describe(result).replace(/^/gm, '# '));
  return { result, headers: response.headers(), problems, workers, report: describe(result) };
}
function loaded(query = '') {
  if (!outcomes.has(query)) outcomes.set(query, load(query));
  return outcomes.get(query);
}

test(`${target} (${browserName}): the page is cross-origin isolated and loads without errors (${path.relative(process.cwd(), appDir) || '.'})`, {
  skip: !sharedMemory && 'WebKit cannot share memory: the next test checks its page instead',
}, async () => {
  const { result, headers, problems, workers, report } = await loaded();
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin', `COOP header on the page${report}`);
  assert.equal(headers['cross-origin-embedder-policy'], 'require-corp', `COEP header on the page${report}`);
  assert.equal(result.crossOriginIsolated, true, `crossOriginIsolated${report}`);
  assert.equal(result.transport, 'shared', `pool.transport${report}`);
  assert.ok(workers.length >= 2, `workers started (saw ${workers.length})${report}`);
  assert.deepEqual(problems, [], `no page errors, console errors or failed requests${report}`);
});

test(`${target} (${browserName}): WebKit runs the message transport on the page and loads it without errors`, {
  skip: sharedMemory && 'for the browsers that cannot share memory (WebKit)',
}, async () => {
  const { result, headers, problems, report } = await loaded();
  if (target === 'plain') {
    assert.equal(headers['cross-origin-opener-policy'], undefined, `no COOP header on the page${report}`);
    assert.equal(headers['cross-origin-embedder-policy'], undefined, `no COEP header on the page${report}`);
  }
  assert.equal(result.transport, 'message', `pool.transport${report}`);
  // No worker events in WebDriver classic: the task-module test's
  // submit('whereAmI') === 'worker' shows the tasks ran in workers.
  assert.deepEqual(problems, [], `no page errors or console errors${report}`);
});

test(`${target} (${browserName}): Pool submit, map, asCompleted`, async () => {
  const { result, report } = await loaded();
  assert.equal(result.error, undefined, `the page threw${report}`);
  assert.equal(result.submit, 5, `submit((a, b) => a + b, 2, 3)${report}`);
  assert.deepEqual(result.map, [1, 4, 9, 16], `map(x => x * x, [1, 2, 3, 4])${report}`);
  assert.deepEqual([...result.completionOrder].sort(), [0, 1, 2], `asCompleted yields every future once${report}`);
  assert.deepEqual(result.completionOrder, result.settleOrder, `asCompleted yields in completion order${report}`);
  assert.notEqual(result.completionOrder[0], 0, `the 300 ms task is not first${report}`);
  assert.equal(result.shutdown, true, `pool.shutdown()${report}`);
  assert.deepEqual(
    result.afterShutdown,
    { name: 'ShutdownError', isShutdownError: true },
    `submit after shutdown throws ShutdownError, its name intact after minification${report}`,
  );
});

test(`${target} (${browserName}): task module new URL('./tasks.js', import.meta.url)`, async () => {
  const { result, report } = await loaded();
  assert.ok(result.tasks, `the page ran the task-module part${report}`);
  assert.equal(result.tasks.error, undefined, `task-module pool failed${report}`);
  assert.equal(result.tasks.submit, 21, `submit('triple', 7)${report}`);
  assert.deepEqual(result.tasks.map, [3, 6, 9], `map('triple', [1, 2, 3])${report}`);
  assert.equal(result.tasks.where, 'worker', `submit('whereAmI') runs in a worker${report}`);
});
