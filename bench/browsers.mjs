// The browsers the bench (and tests/examples/smoke.mjs) drive, behind one
// small interface, so the runner does not care which driver is underneath:
// Chromium (Debian's) through playwright-core, Firefox ESR (Debian's) through
// puppeteer-core over WebDriver BiDi. Neither driver downloads a browser.
//
//   const b = await launch('chromium' | 'firefox', { expose gc? })
//   b.name, b.label ('Chromium 156… (headless)'), b.pid (the browser's root
//   process, a child of this node process: idle_cpu walks the tree from it)
//   await b.newPage()   → a page in its own browser context (closing the page
//                         closes the context); goto(url) → { status(),
//                         headers() }, evaluate(fn, arg), waitForFunction(fn),
//                         on('console' | 'pageerror', cb), screenshot({ path })
//   await b.close()
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
// The same Chromium flags as the tests (no background networking: this
// machine's closed network refuses it).
import { CHROME_ARGS } from '../tests/browser/harness.mjs';

export const BROWSERS = ['chromium', 'firefox'];

function findExecutable(envVar, candidates, what) {
  const found = [process.env[envVar], ...candidates].find((c) => c && fs.existsSync(c));
  if (!found) throw new Error(`no ${what} found: install it (apt-get install) or set ${envVar}`);
  return found;
}

/**
 * Launches `name` headless. `exposeGc`: Chromium gets --js-flags=--expose-gc
 * (Firefox has no such switch). `precisePerformanceNow` (Firefox, diagnosis
 * only): privacy.reduceTimerPrecision off, so performance.now() is not
 * coarsened (to 20 µs in isolated pages).
 */
export async function launch(name, { exposeGc = false, precisePerformanceNow = false } = {}) {
  if (name === 'chromium') return launchChromium({ exposeGc });
  if (name === 'firefox') return launchFirefox({ precisePerformanceNow });
  throw new Error(`unknown browser ${name} (one of ${BROWSERS.join(', ')})`);
}

async function launchChromium({ exposeGc }) {
  const executablePath = findExecutable(
    'CHROME_PATH',
    ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'],
    'Chromium',
  );
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROME_ARGS, ...(exposeGc ? ['--js-flags=--expose-gc'] : [])],
  });
  const pid = rootPid(/chrom/i);
  return {
    name: 'chromium',
    label: `Chromium ${browser.version()} (headless)`,
    pid,
    async newPage() {
      const context = await browser.newContext();
      const page = await context.newPage();
      return wrapPlaywright(page, context);
    },
    close: () => browser.close(),
  };
}

function wrapPlaywright(page, context) {
  return {
    goto: async (url) => {
      const r = await page.goto(url);
      return { status: () => r.status(), headers: () => r.headers() };
    },
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitForFunction: (fn, { timeout = 30_000 } = {}) => page.waitForFunction(fn, undefined, { timeout }),
    on: (event, cb) => {
      if (event === 'console') page.on('console', (m) => cb({ type: m.type(), text: m.text() }));
      else if (event === 'pageerror') page.on('pageerror', (e) => cb(e));
      else if (event === 'worker') page.on('worker', (w) => cb(w.url()));
      else if (event === 'response') context.on('response', (r) => cb({ status: r.status(), url: r.url() }));
      else if (event === 'requestfailed')
        context.on('requestfailed', (r) => cb({ url: r.url(), error: r.failure()?.errorText }));
    },
    screenshot: (opts) => page.screenshot(opts),
    close: () => context.close(),
  };
}

async function launchFirefox({ precisePerformanceNow }) {
  const executablePath = findExecutable(
    'FIREFOX_PATH',
    ['/usr/bin/firefox-esr', '/usr/bin/firefox'],
    'Firefox (Debian: firefox-esr)',
  );
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    // A workload's page.evaluate awaits the whole workload (up to a minute or so).
    protocolTimeout: 600_000,
    extraPrefsFirefox: {
      // No telemetry, updates, or first-run pages competing for the 2 cores.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      ...(precisePerformanceNow
        ? { 'privacy.reduceTimerPrecision': false, 'privacy.reduceTimerPrecision.unconditional': false }
        : {}),
    },
  });
  const version = (await browser.version()).replace(/^firefox\//i, '');
  return {
    name: 'firefox',
    label: `Firefox ${version} (headless)`,
    pid: browser.process()?.pid,
    async newPage() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      return wrapPuppeteer(page, context);
    },
    close: () => browser.close(),
  };
}

function wrapPuppeteer(page, context) {
  return {
    goto: async (url) => {
      const r = await page.goto(url);
      return { status: () => r.status(), headers: () => r.headers() };
    },
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitForFunction: (fn, { timeout = 30_000 } = {}) => page.waitForFunction(fn, { timeout }),
    on: (event, cb) => {
      if (event === 'console') page.on('console', (m) => cb({ type: m.type(), text: m.text() }));
      else if (event === 'pageerror') page.on('pageerror', (e) => cb(e));
      else if (event === 'worker') page.on('workercreated', (w) => cb(w.url()));
      else if (event === 'response') page.on('response', (r) => cb({ status: r.status(), url: r.url() }));
      else if (event === 'requestfailed')
        page.on('requestfailed', (r) => cb({ url: r.url(), error: r.failure()?.errorText }));
    },
    screenshot: (opts) => page.screenshot(opts),
    close: () => context.close(),
  };
}

// playwright does not expose the browser's pid: the newest child of this
// process whose executable matches `exeRe` is the one just launched (Debian's
// /usr/bin/chromium is a shell script that execs /usr/lib/chromium/chromium).
function rootPid(exeRe) {
  let best = null;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) !== process.pid) continue;
      const exe = fs.readlinkSync(`/proc/${name}/exe`);
      if (!exeRe.test(exe)) continue;
      if (best === null || Number(name) > best) best = Number(name);
    } catch {
      /* exited, or not ours */
    }
  }
  return best;
}
