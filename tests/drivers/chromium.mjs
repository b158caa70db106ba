// Debian's Chromium, driven by playwright-core.
import { chromium } from 'playwright-core';
import { findExecutable, gotoPage, newestChildPid, PAGE_EVENTS } from './common.mjs';

// No background networking, sync or component updates: this machine's closed
// network refuses those connections, many at a time.
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
  return findExecutable(
    'CHROME_PATH',
    ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'],
    "Chromium (Debian's chromium package)",
  );
}

export async function launchChromium({ exposeGc = false } = {}) {
  const browser = await chromium.launch({
    executablePath: chromePath(),
    headless: true,
    args: [...CHROME_ARGS, ...(exposeGc ? ['--js-flags=--expose-gc'] : [])],
  });
  const version = browser.version(); // e.g. '156.0.8078.73'
  return {
    name: 'chromium',
    label: `Chromium ${version.split('.')[0]}`,
    version,
    pid: newestChildPid(/chrom/i),
    pageEvents: PAGE_EVENTS,
    async newPage() {
      const context = await browser.newContext();
      return wrap(await context.newPage(), context);
    },
    close: () => browser.close(),
  };
}

function wrap(page, context) {
  return {
    goto: (url) => gotoPage(page, url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, { timeout = 30_000 } = {}) => page.waitForFunction(fn, arg, { timeout }),
    on: (event, cb) => {
      if (event === 'console') page.on('console', (m) => cb({ type: m.type(), text: m.text() }));
      else if (event === 'pageerror') page.on('pageerror', (e) => cb(e));
      else if (event === 'worker') page.on('worker', (w) => cb(w.url()));
      else if (event === 'response') context.on('response', (r) => cb({ status: r.status(), url: r.url() }));
      else if (event === 'requestfailed')
        context.on('requestfailed', (r) => cb({ url: r.url(), error: r.failure()?.errorText }));
    },
    screenshot: (opts) => page.screenshot(opts),
    close: () => context.close().catch(() => {}),
  };
}
