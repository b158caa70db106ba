// The browser tests' one door to a browser: the engine drivers of
// tests/drivers (real headless browsers from Debian's packages, never a
// download) showing pages from the project's own server (scripts/serve.mjs).
// The environment variable WASMPOOL_BROWSER picks the browser: `chromium`
// (the default), `firefox` or `webkit`, or `node`: pages that are Node.js
// processes running wasmpool's Node.js runtime (tests/drivers/node.mjs).
// WASMPOOL_TRANSPORT picks the transport under test: `shared` (the default in
// Chromium, Firefox and Node.js: pages are cross-origin isolated) or `message`
// (pages are plain, so pools on 'auto' run the message transport; the only
// one WebKit can run, and its default).
//
// Tests use only what this file exports for them:
//
//   openPage({ isolated, isolation, path }) → TestPage (a fresh page, own context); `isolation`: a mode
//                                         of scripts/serve.mjs ('coop-coep', 'credentialless', 'dip', 'none')
//   pageUrl(isolation, path)            → the URL openPage would load (to check its headers from Node)
//   inPage(source, { arg, fresh, entry }) → the result of running `source` with the wasmpool module
//   PACKAGE, DEMO                       → the entries inPage can load (entry: DEMO for the demo's Rust tasks)
//   sharedPage()                        → the page inPage uses unless `fresh`
//   closeAll()                          → after(closeAll) in every test file
//   browserName()                       → 'chromium', 'firefox', 'webkit' or 'node' (for the rare engine-specific check)
//   needs(feature)                      → why this driver cannot run a test that needs `feature`, or false:
//                                         test(name, { skip: needs('dom') }, fn)
//   browserLabel()                      → e.g. 'Chromium 156', 'Firefox ESR 153', 'WebKitGTK 2.50' (async: asks the browser)
//   canShareMemory()                    → false in WebKit (no SharedArrayBuffer even when isolated)
//   transportName()                     → 'shared' or 'message' (for tests of what only one transport does)
//
// and the TestPage methods: evaluate(fn, arg), waitFor(fn, arg, { timeout }),
// screenshot(file), close(), and `logs`. Functions given to evaluate/waitFor
// run in the page (see tests/drivers/index.mjs).
import { transformSync } from 'esbuild';
import { startServer } from '../../scripts/serve.mjs';
import { DRIVERS, canShareMemory as driverCanShareMemory, launch } from '../drivers/index.mjs';

/** The browser under test, from WASMPOOL_BROWSER ('chromium' by default). */
export function browserName() {
  const name = (process.env.WASMPOOL_BROWSER || 'chromium').toLowerCase();
  if (!DRIVERS.includes(name)) {
    throw new Error(`WASMPOOL_BROWSER=${process.env.WASMPOOL_BROWSER}: expected one of ${DRIVERS.join(', ')}`);
  }
  return name;
}

/** Whether the browser under test can share memory with workers (not WebKit: see tests/drivers/index.mjs). */
export function canShareMemory() {
  return driverCanShareMemory(browserName());
}

/** The transport under test, from WASMPOOL_TRANSPORT ('shared' by default where the browser can share memory). */
export function transportName() {
  const name = (process.env.WASMPOOL_TRANSPORT || (canShareMemory() ? 'shared' : 'message')).toLowerCase();
  if (name !== 'shared' && name !== 'message') {
    throw new Error(`WASMPOOL_TRANSPORT=${process.env.WASMPOOL_TRANSPORT}: expected shared or message`);
  }
  if (name === 'shared' && !canShareMemory()) {
    throw new Error(
      `WASMPOOL_TRANSPORT=shared: ${browserName()} cannot share memory with workers; run WASMPOOL_TRANSPORT=message`,
    );
  }
  return name;
}

// What a driver's pages lack, and why: a test that needs it is skipped with the reason.
const LACKS = {
  node: {
    dom: 'a Node.js page has no document',
    nonIsolated: 'Node.js always has shared memory: no page is ever non-isolated',
    workerGlobal: 'a Node.js page has no Worker global to subclass (its workers are worker_threads)',
  },
};

/** Why the driver under test cannot run a test that needs `feature` ('dom', 'nonIsolated', 'workerGlobal'), or false. */
export function needs(feature) {
  return LACKS[browserName()]?.[feature] ?? false;
}

let browserPromise = null;
const servers = {};

function browser() {
  browserPromise ??= launch(browserName());
  return browserPromise;
}

/** A readable name and major version of the browser under test: 'Chromium 156', 'Firefox ESR 153'. */
export async function browserLabel() {
  return (await browser()).label;
}

/** Base URL of the project's server with `isolation`'s headers (scripts/serve.mjs). One per mode and process. */
async function serverUrl(isolation) {
  servers[isolation] ??= startServer({ isolation });
  return (await servers[isolation]).url;
}

/** The URL of `path` on the server with `isolation`'s headers. */
export async function pageUrl(isolation, pagePath = '/tests/browser/blank.html') {
  return (await serverUrl(isolation)) + pagePath;
}

// How long one evaluation in a page may take (the longest test takes ~20 s).
const EVALUATE_TIMEOUT_MS = 240_000;
const EXPIRED = Symbol('expired');

/** A page of the browser under test, with its console output and uncaught errors collected. */
class TestPage {
  #page;
  /** True once an evaluation hung: inPage then leaves this page for a new one. */
  hung = false;

  constructor(page) {
    this.#page = page;
    /** Console messages (`type: text`) and uncaught errors (`pageerror: message`), in order. */
    this.logs = [];
    page.on('console', (m) => this.#log(`${m.type}: ${m.text}`));
    page.on('pageerror', (e) => this.#log(`pageerror: ${e?.message ?? e}`));
  }

  #log(line) {
    this.logs.push(line);
    if (process.env.WASMPOOL_TEST_VERBOSE) process.stderr.write(`[page] ${line}\n`);
  }

  /**
   * Runs `fn(arg)` in the page (awaiting it if it is async) and returns its
   * result. One that has not settled after `timeout` ms (no test comes near)
   * fails with what can be seen of the page: whether its main thread still
   * answers, and its last log lines. (A hang must fail its test, not the
   * whole run's time limit.)
   */
  async evaluate(fn, arg, { timeout = EVALUATE_TIMEOUT_MS } = {}) {
    let timer;
    const expired = new Promise((resolve) => {
      timer = setTimeout(() => resolve(EXPIRED), timeout);
    });
    try {
      const result = await Promise.race([this.#page.evaluate(fn, arg), expired]);
      if (result !== EXPIRED) return result;
    } finally {
      clearTimeout(timer);
    }
    this.hung = true;
    // The page's trace (src/js/page/trace.js): where its kills and shutdowns wait.
    const answer = await Promise.race([
      this.#page
        .evaluate(() => globalThis.__wasmpoolTrace?.slice(-30) ?? [])
        .then(
          (lines) => `its main thread still answers. Its last trace lines:\n${lines.join('\n') || '(none)'}\n`,
          (e) => `it fails to answer (${e?.message ?? e})`,
        ),
      new Promise((resolve) => setTimeout(() => resolve('its main thread does not answer within 5 s'), 5000)),
    ]);
    throw new Error(
      `the page's evaluation did not settle within ${timeout / 1000} s; ${answer}. Its last log lines:\n` +
        (this.logs.slice(-20).join('\n') || '(none)'),
    );
  }

  /** Resolves once `fn(arg)` is truthy in the page; rejects after `timeout` ms. */
  async waitFor(fn, arg, { timeout = 30_000 } = {}) {
    await this.#page.waitFor(fn, arg, { timeout });
  }

  /** Saves a PNG of the whole page to `file`. */
  async screenshot(file) {
    await this.#page.screenshot({ path: file, fullPage: true });
  }

  close() {
    return this.#page.close();
  }
}

/**
 * A fresh page (own browser context) at `path` of the server: isolated when
 * the shared transport is under test, plain for the message transport,
 * unless told otherwise.
 */
export async function openPage({
  isolated = transportName() === 'shared',
  isolation = isolated ? 'coop-coep' : 'none',
  path: pagePath = '/tests/browser/blank.html',
} = {}) {
  const url = (await serverUrl(isolation)) + pagePath;
  const driverPage = await (await browser()).newPage();
  const page = new TestPage(driverPage); // listening before the page loads
  await driverPage.goto(url);
  // Keep the page's trace (src/js/page/trace.js), printed if an evaluation hangs.
  await driverPage.evaluate(() => {
    globalThis.__wasmpoolTrace = [];
  });
  return page;
}

let shared = null;
let sharedEntry = null;

/** The npm package's entry: wasmpool on pkg/wasmpool_bg.wasm (the scheduler only). */
export const PACKAGE = '/src/js/index.js';
/**
 * The same API on the demo crate's wasm (crates/wasmpool-demo): the demo's
 * Rust tasks (`add`, `rust_panic`, `alloc_bytes`, `mandelbrot_rows`, …) and
 * `initRayon`. One page has one runtime: a page loads one of the two.
 */
export const DEMO = '/crates/wasmpool-demo/js/index.js';

// Whether the engine parses `using` / `await using` (WebKitGTK 2.50 does not).
// (The Node.js page lowers it itself: tests/drivers/node-page.mjs.)
const SUPPORTS_USING = { chromium: true, firefox: true, webkit: false, node: true };

/**
 * `source` (a function expression) with `using` and `await using` rewritten
 * by esbuild (the project's bundler) into the try/finally they stand for: the
 * same disposal, in the same order, through Symbol.asyncDispose or, where
 * the engine lacks it, Symbol.for('Symbol.asyncDispose') (the pools answer to
 * both).
 */
function lowerUsing(source) {
  const { code } = transformSync(`const __testBody = (${source});`, { supported: { using: false }, loader: 'js' });
  return `(() => {\n${code}\nreturn __testBody;\n})()`;
}

/** The page inPage uses (one per test file: node --test runs each file in its own process). */
export function sharedPage() {
  shared ??= openPage();
  return shared;
}

/**
 * Runs `source`, the text of an async function `(wasmpool, arg) => result`,
 * in the shared page (or, with `fresh`, in a new page closed afterwards), with
 * the wasmpool module (`entry`: PACKAGE by default, or DEMO) and `arg`. Bodies
 * are strings because they use syntax the browser under test has and Node 20
 * cannot parse (`await using`).
 */
export async function inPage(source, { arg, fresh = false, entry = PACKAGE } = {}) {
  if (!fresh) {
    // The first runtime a page loads is its runtime: a second entry would
    // silently run on the first one's wasm.
    sharedEntry ??= entry;
    if (sharedEntry !== entry) {
      throw new Error(`inPage: the shared page already runs ${sharedEntry}; use { fresh: true } for ${entry}`);
    }
  }
  const page = fresh ? await openPage() : await sharedPage();
  if (!fresh && page.hung) {
    // The last test hung this page: the next ones get a new one.
    shared = null;
    page.close().catch(() => {});
    return inPage(source, { arg, fresh, entry });
  }
  try {
    return await page.evaluate(
      async ([src, a, e]) => {
        const wasmpool = await import(e);
        // biome-ignore lint/security/noGlobalEval: the test body is source text (see above), compiled in the page.
        return globalThis.eval(`(${src})`)(wasmpool, a);
      },
      [SUPPORTS_USING[browserName()] ? source : lowerUsing(source), arg, entry],
    );
  } finally {
    if (fresh) await page.close();
  }
}

/** Closes the browser and the servers (register with `after(closeAll)`). */
export async function closeAll() {
  shared = null;
  sharedEntry = null;
  if (browserPromise) await (await browserPromise).close().catch(() => {});
  browserPromise = null;
  for (const key of Object.keys(servers)) {
    await (await servers[key]).close();
    delete servers[key];
  }
}
