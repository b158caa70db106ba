// Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi
// (Playwright cannot drive a stock Firefox).
import { execFileSync } from 'node:child_process';
import puppeteer from 'puppeteer-core';
import { findExecutable, gotoPage, PAGE_EVENTS } from './common.mjs';

export function firefoxPath() {
  return findExecutable('FIREFOX_PATH', ['/usr/bin/firefox-esr', '/usr/bin/firefox'], "Firefox (Debian's firefox-esr)");
}

export async function launchFirefox({ precisePerformanceNow = false } = {}) {
  const executablePath = firefoxPath();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    // A bench workload's evaluate awaits the whole workload (a minute or so).
    protocolTimeout: 600_000,
    extraPrefsFirefox: {
      // No update checks, telemetry or first-run pages competing for the cores.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      ...(precisePerformanceNow
        ? { 'privacy.reduceTimerPrecision': false, 'privacy.reduceTimerPrecision.unconditional': false }
        : {}),
    },
  });
  // The BiDi version string ('firefox/153.7.0') does not say ESR; the
  // executable's own --version does ('Mozilla Firefox 153.7.0esr').
  const version = (await browser.version()).replace(/^firefox\//i, '');
  let esr = false;
  try {
    esr = /esr\s*$/i.test(execFileSync(executablePath, ['--version'], { encoding: 'utf8', timeout: 10_000 }));
  } catch {}
  return {
    name: 'firefox',
    label: `Firefox${esr ? ' ESR' : ''} ${version.split('.')[0]}`,
    version,
    pid: browser.process()?.pid,
    pageEvents: PAGE_EVENTS,
    async newPage() {
      const context = await browser.createBrowserContext();
      return wrap(await context.newPage(), context);
    },
    close: () => browser.close(),
  };
}

function wrap(page, context) {
  return {
    goto: (url) => gotoPage(page, url),
    evaluate: (fn, arg) => evaluateCopied(page, fn, arg),
    waitFor: (fn, arg, { timeout = 30_000 } = {}) => page.waitForFunction(fn, { timeout, polling: 'raf' }, arg),
    on: (event, cb) => {
      if (event === 'console') onConsole(page, cb);
      else if (event === 'pageerror') page.on('pageerror', (e) => cb(e));
      else if (event === 'worker') page.on('workercreated', (w) => cb(w.url()));
      else if (event === 'response') page.on('response', (r) => cb({ status: r.status(), url: r.url() }));
      else if (event === 'requestfailed')
        page.on('requestfailed', (r) => cb({ url: r.url(), error: r.failure()?.errorText }));
    },
    screenshot: (opts) => page.screenshot(opts),
    close: () => context.close().catch(() => {}),
  };
}

// WebDriver BiDi sends an object met twice in a result once and then as a
// bare reference, which puppeteer turns into `undefined` (playwright repeats
// it): copy shared plain objects and arrays in the page first.
function evaluateCopied(page, fn, arg) {
  return page.evaluate(
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

/** BiDi and puppeteer name console.warn 'warn'; playwright (and the tests) 'warning'. */
function consoleType(type) {
  return type === 'warn' ? 'warning' : type;
}

// The page's console messages with the text as the browser wrote it.
// puppeteer's ConsoleMessage.text() shows objects as 'JSHandle@error' (a BiDi
// error value carries no message), while the BiDi log entry's own `text` is
// Firefox's ('… Error: callback bug'): read the entries from the page's BiDi
// browsing context (puppeteer-internal, pinned version), and fall back to the
// public event if that is not there.
function onConsole(page, cb) {
  const context = page.mainFrame()?.browsingContext;
  if (context && typeof context.on === 'function' && typeof context.id === 'string') {
    context.on('log', (entry) => {
      if (entry?.type !== 'console' || entry.source?.context !== context.id) return;
      cb({ type: consoleType(entry.method), text: entry.text ?? '' });
    });
    return;
  }
  page.on('console', (m) => cb({ type: consoleType(m.type()), text: m.text() }));
}
