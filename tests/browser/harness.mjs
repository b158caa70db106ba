// The browser tests' one door to a browser: real headless Chromium (Debian's,
// driven by playwright-core) or Firefox ESR (Debian's, driven by puppeteer-core
// over WebDriver BiDi; Playwright cannot drive a stock Firefox), never a
// downloaded browser, showing pages from the project's own server
// (scripts/serve.mjs). The environment variable WASMPOOL_BROWSER picks the
// browser: `chromium` (the default) or `firefox`.
//
// Tests use only what this file exports for them:
//
//   openPage({ isolated, path })        → TestPage (a fresh page, own context)
//   inPage(source, { arg, fresh, entry }) → the result of running `source` with the wasmpool module
//   PACKAGE, DEMO                       → the entries inPage can load (entry: DEMO for the demo's Rust tasks)
//   sharedPage()                        → the page inPage uses unless `fresh`
//   closeAll()                          → after(closeAll) in every test file
//   browserName()                       → 'chromium' or 'firefox' (for the rare engine-specific check)
//   browserLabel()                      → e.g. 'Chromium 156' or 'Firefox ESR 153' (async: asks the browser)
//
// and the TestPage methods: evaluate(fn, arg), waitFor(fn, arg, { timeout }),
// screenshot(file), close(), and `logs`. Every call into a browser driver is
// in this file: the two backends below give the same API.
//
// Functions given to evaluate/waitFor run in the page: they are sent as source
// text, so they cannot use variables of the test; pass data through `arg`
// (one JSON-serializable value) and return JSON-serializable results.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { startServer } from '../../scripts/serve.mjs';

export const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromePath() {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ];
  const found = candidates.find((c) => c && fs.existsSync(c));
  if (!found) {
    throw new Error("no Chromium found: install Debian's chromium package (npm run setup does) or set CHROME_PATH");
  }
  return found;
}

export function firefoxPath() {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'];
  const found = candidates.find((c) => c && fs.existsSync(c));
  if (!found) {
    throw new Error("no Firefox found: install Debian's firefox-esr package (npm run setup does) or set FIREFOX_PATH");
  }
  return found;
}

/** The browser under test: 'chromium' (default) or 'firefox', from WASMPOOL_BROWSER. */
export function browserName() {
  const name = (process.env.WASMPOOL_BROWSER || 'chromium').toLowerCase();
  if (name !== 'chromium' && name !== 'firefox') {
    throw new Error(`WASMPOOL_BROWSER=${process.env.WASMPOOL_BROWSER}: expected chromium or firefox`);
  }
  return name;
}

let browserPromise = null;
let firefoxPromise = null;
const servers = {};

/**
 * The shared playwright Browser (always Chromium). Only for tools that drive
 * the browser themselves (tests/examples/smoke.mjs); browser tests use openPage.
 */
export function launchBrowser() {
  browserPromise ??= chromium.launch({ executablePath: chromePath(), headless: true, args: CHROME_ARGS });
  return browserPromise;
}

/** The shared puppeteer Browser driving Firefox over WebDriver BiDi. */
function launchFirefox() {
  firefoxPromise ??= puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    extraPrefsFirefox: {
      // No update checks, telemetry or first-run pages in a test profile.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
    },
  });
  return firefoxPromise;
}

/**
 * A readable name and major version of the browser under test, from its
 * driver's version string: 'Chromium 156', 'Firefox ESR 153'.
 */
export async function browserLabel() {
  if (browserName() === 'firefox') {
    // The BiDi version string is e.g. 'firefox/153.7.0' and does not say ESR;
    // the executable's own `--version` does ('Mozilla Firefox 153.7.0esr').
    const version = await (await launchFirefox()).version();
    const major = /(\d+)\./.exec(version)?.[1] ?? version;
    let esr = false;
    try {
      esr = /esr\s*$/i.test(execFileSync(firefoxPath(), ['--version'], { encoding: 'utf8', timeout: 10_000 }));
    } catch {}
    return `Firefox${esr ? ' ESR' : ''} ${major}`;
  }
  const version = (await launchBrowser()).version(); // e.g. '156.0.7390.54'
  return `Chromium ${version.split('.')[0]}`;
}

/** Base URL of the project's server, isolated (COOP/COEP) or not. Started once per process. */
async function serverUrl({ isolated = true } = {}) {
  const key = isolated ? 'isolated' : 'plain';
  servers[key] ??= startServer({ isolated });
  return (await servers[key]).url;
}

/**
 * A page of the browser under test, with its console output collected. The
 * two drivers differ in a few signatures (waitForFunction's argument order,
 * how a context is made); `#page` is a playwright or a puppeteer Page.
 */
class TestPage {
  #page;
  #context;
  #puppeteer;

  constructor(page, context, { puppeteer = false } = {}) {
    this.#page = page;
    this.#context = context;
    this.#puppeteer = puppeteer;
    /** Console messages (`type: text`) and uncaught errors (`pageerror: message`), in order. */
    this.logs = [];
  }

  /** @internal Used by openPage. */
  _log(line) {
    this.logs.push(line);
    if (process.env.WASMPOOL_TEST_VERBOSE) process.stderr.write(`[page] ${line}\n`);
  }

  /** Runs `fn(arg)` in the page (awaiting it if it is async) and returns its result. */
  evaluate(fn, arg) {
    if (!this.#puppeteer) return this.#page.evaluate(fn, arg);
    // WebDriver BiDi sends an object met twice in a result once and then as a
    // bare reference, which puppeteer turns into `undefined` (playwright
    // repeats it): copy shared plain objects and arrays in the page first.
    return this.#page.evaluate(
      async (source, a) => {
        const copy = (v, path) => {
          if (v === null || typeof v !== 'object' || path.includes(v)) return v;
          const proto = Object.getPrototypeOf(v);
          if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return v;
          path.push(v);
          const out = Array.isArray(v) ? v.map((x) => copy(x, path)) : {};
          if (!Array.isArray(v)) for (const [k, x] of Object.entries(v)) out[k] = copy(x, path);
          path.pop();
          return out;
        };
        // biome-ignore lint/security/noGlobalEval: `fn` arrives as source text, as with any driver.
        return copy(await globalThis.eval(`(${source})`)(a), []);
      },
      fn.toString(),
      arg,
    );
  }

  /** Resolves once `fn(arg)` is truthy in the page; rejects after `timeout` ms. */
  async waitFor(fn, arg, { timeout = 30_000 } = {}) {
    if (this.#puppeteer) await this.#page.waitForFunction(fn, { timeout, polling: 'raf' }, arg);
    else await this.#page.waitForFunction(fn, arg, { timeout });
  }

  /** Saves a PNG of the whole page to `file`. */
  async screenshot(file) {
    await this.#page.screenshot({ path: file, fullPage: true });
  }

  async close() {
    await this.#context.close().catch(() => {});
  }
}

/** A fresh page (own browser context) at `path` of the server; isolated unless told otherwise. */
export async function openPage({ isolated = true, path: pagePath = '/tests/browser/blank.html' } = {}) {
  const url = (await serverUrl({ isolated })) + pagePath;
  if (browserName() === 'firefox') {
    const browser = await launchFirefox();
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const testPage = new TestPage(page, context, { puppeteer: true });
    collectConsole(page, testPage);
    page.on('pageerror', (e) => testPage._log(`pageerror: ${e?.message ?? e}`));
    await page.goto(url);
    return testPage;
  }
  const browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const testPage = new TestPage(page, context);
  page.on('console', (m) => testPage._log(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => testPage._log(`pageerror: ${e.message}`));
  await page.goto(url);
  return testPage;
}

/** BiDi and puppeteer name console.warn 'warn'; playwright (and the tests) 'warning'. */
function consoleType(type) {
  return type === 'warn' ? 'warning' : type;
}

/**
 * The page's console messages as `type: text`, with the text as the browser
 * wrote it. puppeteer's ConsoleMessage.text() shows objects as
 * 'JSHandle@error' (a BiDi error value carries no message), while the BiDi
 * log entry's own `text` is Firefox's ('… Error: callback bug'): read the
 * entries from the page's BiDi browsing context (puppeteer-internal, pinned
 * version), and fall back to the public event if that is not there.
 */
function collectConsole(page, testPage) {
  const context = page.mainFrame()?.browsingContext;
  if (context && typeof context.on === 'function' && typeof context.id === 'string') {
    context.on('log', (entry) => {
      if (entry?.type !== 'console' || entry.source?.context !== context.id) return;
      testPage._log(`${consoleType(entry.method)}: ${entry.text ?? ''}`);
    });
    return;
  }
  page.on('console', (m) => testPage._log(`${consoleType(m.type())}: ${m.text()}`));
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
  try {
    return await page.evaluate(
      async ([src, a, e]) => {
        const wasmpool = await import(e);
        // biome-ignore lint/security/noGlobalEval: the test body is source text (see above), compiled in the page.
        return globalThis.eval(`(${src})`)(wasmpool, a);
      },
      [source, arg, entry],
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
  if (firefoxPromise) await (await firefoxPromise).close().catch(() => {});
  browserPromise = null;
  firefoxPromise = null;
  for (const key of Object.keys(servers)) {
    await (await servers[key]).close();
    delete servers[key];
  }
}
