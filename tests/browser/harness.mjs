// The browser tests' one door to a browser: the engine drivers of
// tests/drivers (real headless browsers from Debian's packages, never a
// download) showing pages from the project's own server (scripts/serve.mjs).
// The environment variable WASMPOOL_BROWSER picks the browser: `chromium`
// (the default) or `firefox`; WASMPOOL_TRANSPORT the transport under test:
// `shared` (the default: pages are cross-origin isolated) or `message` (pages
// are plain, so pools on 'auto' run the message transport).
//
// Tests use only what this file exports for them:
//
//   openPage({ isolated, path })        → TestPage (a fresh page, own context)
//   inPage(source, { arg, fresh })      → the result of running `source` with the wasmpool module
//   sharedPage()                        → the page inPage uses unless `fresh`
//   closeAll()                          → after(closeAll) in every test file
//   browserName()                       → 'chromium' or 'firefox' (for the rare engine-specific check)
//   browserLabel()                      → e.g. 'Chromium 156' or 'Firefox ESR 153' (async: asks the browser)
//   transportName()                     → 'shared' or 'message' (for tests of what only one transport does)
//
// and the TestPage methods: evaluate(fn, arg), waitFor(fn, arg, { timeout }),
// screenshot(file), close(), and `logs`. Functions given to evaluate/waitFor
// run in the page (see tests/drivers/index.mjs).
import { startServer } from '../../scripts/serve.mjs';
import { BROWSERS, launch } from '../drivers/index.mjs';

/** The browser under test, from WASMPOOL_BROWSER ('chromium' by default). */
export function browserName() {
  const name = (process.env.WASMPOOL_BROWSER || 'chromium').toLowerCase();
  if (!BROWSERS.includes(name)) {
    throw new Error(`WASMPOOL_BROWSER=${process.env.WASMPOOL_BROWSER}: expected one of ${BROWSERS.join(', ')}`);
  }
  return name;
}

/** The transport under test, from WASMPOOL_TRANSPORT ('shared' by default). */
export function transportName() {
  const name = (process.env.WASMPOOL_TRANSPORT || 'shared').toLowerCase();
  if (name !== 'shared' && name !== 'message') {
    throw new Error(`WASMPOOL_TRANSPORT=${process.env.WASMPOOL_TRANSPORT}: expected shared or message`);
  }
  return name;
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

/** Base URL of the project's server, isolated (COOP/COEP) or not. Started once per process. */
async function serverUrl({ isolated = true } = {}) {
  const key = isolated ? 'isolated' : 'plain';
  servers[key] ??= startServer({ isolated });
  return (await servers[key]).url;
}

/** A page of the browser under test, with its console output and uncaught errors collected. */
class TestPage {
  #page;

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

  /** Runs `fn(arg)` in the page (awaiting it if it is async) and returns its result. */
  evaluate(fn, arg) {
    return this.#page.evaluate(fn, arg);
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
  path: pagePath = '/tests/browser/blank.html',
} = {}) {
  const url = (await serverUrl({ isolated })) + pagePath;
  const driverPage = await (await browser()).newPage();
  const page = new TestPage(driverPage); // listening before the page loads
  await driverPage.goto(url);
  return page;
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
