// The browser tests' one door to a browser: real headless Chromium (Debian's,
// driven by playwright-core; no browser download) showing pages from the
// project's own server (scripts/serve.mjs).
//
// Tests use only what this file exports for them:
//
//   openPage({ isolated, path })        → TestPage (a fresh page, own context)
//   inPage(source, { arg, fresh })      → the result of running `source` with the wasmpool module
//   sharedPage()                        → the page inPage uses unless `fresh`
//   closeAll()                          → after(closeAll) in every test file
//
// and the TestPage methods: evaluate(fn, arg), waitFor(fn, arg, { timeout }),
// screenshot(file), close(), and `logs`. Every call into the browser driver
// is in this file, so running the suites in another browser (another driver)
// means changing this file only.
//
// Functions given to evaluate/waitFor run in the page: they are sent as source
// text, so they cannot use variables of the test; pass data through `arg`
// (one JSON-serializable value) and return JSON-serializable results.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
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

let browserPromise = null;
const servers = {};

/**
 * The shared playwright Browser. Only for tools that drive the browser
 * themselves (tests/examples/smoke.mjs); browser tests use openPage.
 */
export function launchBrowser() {
  browserPromise ??= chromium.launch({ executablePath: chromePath(), headless: true, args: CHROME_ARGS });
  return browserPromise;
}

/** Base URL of the project's server, isolated (COOP/COEP) or not. Started once per process. */
async function serverUrl({ isolated = true } = {}) {
  const key = isolated ? 'isolated' : 'plain';
  servers[key] ??= startServer({ isolated });
  return (await servers[key]).url;
}

/** A page of the browser under test, with its console output collected. */
class TestPage {
  #page;
  #context;

  constructor(page, context) {
    this.#page = page;
    this.#context = context;
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
    return this.#page.evaluate(fn, arg);
  }

  /** Resolves once `fn(arg)` is truthy in the page; rejects after `timeout` ms. */
  async waitFor(fn, arg, { timeout = 30_000 } = {}) {
    await this.#page.waitForFunction(fn, arg, { timeout });
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
  const browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const testPage = new TestPage(page, context);
  page.on('console', (m) => testPage._log(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => testPage._log(`pageerror: ${e.message}`));
  await page.goto((await serverUrl({ isolated })) + pagePath);
  return testPage;
}

let shared = null;

/** The page inPage uses (one per test file: node --test runs each file in its own process). */
export function sharedPage() {
  shared ??= openPage();
  return shared;
}

/**
 * Runs `source`, the text of an async function `(wasmpool, arg) => result`,
 * in the shared page (or, with `fresh`, in a new page closed afterwards), with
 * the wasmpool module (/src/js/index.js) and `arg`. Bodies are strings because
 * they use syntax the browser under test has and Node 20 cannot parse
 * (`await using`).
 */
export async function inPage(source, { arg, fresh = false } = {}) {
  const page = fresh ? await openPage() : await sharedPage();
  try {
    return await page.evaluate(
      async ([src, a]) => {
        const wasmpool = await import('/src/js/index.js');
        // biome-ignore lint/security/noGlobalEval: the test body is source text (see above), compiled in the page.
        return globalThis.eval(`(${src})`)(wasmpool, a);
      },
      [source, arg],
    );
  } finally {
    if (fresh) await page.close();
  }
}

/** Closes the browser and the servers (register with `after(closeAll)`). */
export async function closeAll() {
  shared = null;
  if (browserPromise) await (await browserPromise).close().catch(() => {});
  browserPromise = null;
  for (const key of Object.keys(servers)) {
    await (await servers[key]).close();
    delete servers[key];
  }
}
