// WebKitGTK's MiniBrowser (Debian's webkit2gtk-driver), driven through
// WebKitWebDriver over W3C WebDriver classic (its only protocol: no BiDi in
// 2.50) on a virtual X display (MiniBrowser has no headless mode).
//
// - One Xvfb per launch, started with -displayfd (it picks a free display
//   itself: no race with other runs on the machine, unlike `xvfb-run -a`,
//   and no xauth needed).
// - One WebKitWebDriver process and session per page: WebKitWebDriver accepts
//   only one session ("Maximum number of active sessions"), and windows of
//   one session would share storage and cookies and the session's current-
//   window state (two pages could not evaluate at the same time). A page
//   then takes ~2 s to open rather than a window's few ms (bench/NOTES.md).
// - evaluate and the console: see page-bridge.mjs. Not seen: console output
//   and errors of workers (WebDriver classic reaches the page's main thread
//   only; the pool forwards what matters, e.g. a worker's uncaught error, to
//   the page), and anything the page logged or threw before it finished
//   loading (the bridge is installed once goto returns); no 'worker',
//   'response' or 'requestfailed' events (see `pageEvents`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { findExecutable } from './common.mjs';
import { decodeValue, EVALUATE_SCRIPT, encodeValue } from './page-bridge.mjs';
import { killGroup, startDriver, WebDriverError } from './webdriver.mjs';

export function webkitDriverPath() {
  return findExecutable(
    'WEBKIT_WEBDRIVER',
    ['/usr/bin/WebKitWebDriver'],
    "WebKitWebDriver (Debian's webkit2gtk-driver)",
  );
}

export function miniBrowserPath() {
  const multiarch = fs.existsSync('/usr/lib') ? fs.readdirSync('/usr/lib').filter((d) => d.endsWith('-linux-gnu')) : [];
  return findExecutable(
    'WEBKIT_MINIBROWSER',
    [...multiarch.map((d) => `/usr/lib/${d}/webkit2gtk-4.1/MiniBrowser`), '/usr/libexec/webkit2gtk-4.1/MiniBrowser'],
    "WebKitGTK's MiniBrowser (Debian's libwebkit2gtk-4.1-0, which webkit2gtk-driver brings)",
  );
}

// Every process group started here, ended if this process exits without
// closing the browser (a test file that crashed, a bench stopped with ^C),
// so no MiniBrowser or Xvfb outlives the run (they are detached: a signal
// to this process does not reach them).
const started = new Set();
let exitHookInstalled = false;
function killStarted() {
  for (const c of started) killGroup(c);
}
function track(child) {
  started.add(child);
  child.once('exit', () => started.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killStarted);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      killStarted();
      // Nobody else handles it (node:test does, and exits): die of it as
      // the default handler would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Starts Xvfb on a free display; resolves with { display: ':N', child }. */
function startXvfb() {
  const xvfb = findExecutable('XVFB', ['/usr/bin/Xvfb'], "Xvfb (Debian's xvfb)");
  const child = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  track(child);
  let errors = '';
  child.stdio[2].on('data', (d) => {
    errors = (errors + d).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => fail('no display within 10 s'), 10_000);
    const fail = (why) => {
      clearTimeout(timer);
      killGroup(child);
      reject(new Error(`Xvfb: ${why}\n${errors}`));
    };
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code) => fail(`exited with ${code}`));
    // Xvfb writes the display number to fd 3 once it accepts connections.
    child.stdio[3].on('data', (d) => {
      text += d;
      if (!text.includes('\n')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ display: `:${text.trim()}`, child });
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function envNumber(name, fallback) {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
}

/**
 * Options: `evaluateTimeout` (ms an evaluate may take before it rejects;
 * 0 = no limit; default $WASMPOOL_WEBKIT_EVALUATE_TIMEOUT or 600 000, as
 * long as the Firefox driver's protocol timeout), `sliceMs` (how long one
 * WebDriver request waits for an evaluation before asking again; console
 * output arrives at least that often). Chromium/Firefox-only options are
 * ignored.
 */
export async function launchWebKit({
  evaluateTimeout = envNumber('WASMPOOL_WEBKIT_EVALUATE_TIMEOUT', 600_000),
  sliceMs = 2000,
} = {}) {
  const driverPath = webkitDriverPath();
  const binary = miniBrowserPath();
  const xvfb = await startXvfb();
  const env = { ...process.env, DISPLAY: xvfb.display, GDK_BACKEND: 'x11', NO_AT_BRIDGE: '1' };
  delete env.WAYLAND_DISPLAY;
  const capabilities = {
    'webkitgtk:browserOptions': { binary, args: ['--automation'] },
    pageLoadStrategy: 'normal',
    unhandledPromptBehavior: 'dismiss',
    // A request's script outlives its slice only while the page's main
    // thread is busy; evaluate then asks again (see WebKitPage#evaluate).
    timeouts: { script: sliceMs + 30_000, pageLoad: 300_000, implicit: 0 },
  };
  const openSession = async () => {
    const driver = await startDriver(driverPath, { env });
    track(driver.child);
    try {
      driver.capabilities = await driver.newSession(capabilities);
    } catch (e) {
      await driver.quit();
      throw new Error(`WebKitWebDriver: no session (${e.message})\n${driver.output()}`);
    }
    return driver;
  };
  let spare;
  try {
    // The first session tells the version; the first page then uses it.
    spare = await openSession();
  } catch (e) {
    killGroup(xvfb.child);
    throw e;
  }
  const version = spare.capabilities.browserVersion; // e.g. '2.50.6'
  const pages = new Set();
  return {
    name: 'webkit',
    label: `WebKitGTK ${version.split('.').slice(0, 2).join('.')}`,
    version,
    // No single root process: each page has a driver (and MiniBrowser) of
    // its own, all children of this process; bench/idle-cpu.mjs then counts
    // every child of this process (Xvfb included).
    pid: null,
    pageEvents: ['console', 'pageerror'],
    async newPage() {
      const driver = spare ?? (await openSession());
      spare = null;
      const page = new WebKitPage(driver, { evaluateTimeout, sliceMs, onClose: () => pages.delete(page) });
      pages.add(page);
      return page;
    },
    async close() {
      await Promise.all([...pages].map((p) => p.close()));
      if (spare) await spare.quit();
      spare = null;
      killGroup(xvfb.child, 'SIGTERM');
    },
  };
}

/** Status and headers of `url`, fetched again from Node: WebDriver classic does not expose the navigation's response. */
async function responseOf(url) {
  let status = 0;
  let headers = {};
  if (/^https?:/.test(url)) {
    try {
      const r = await fetch(url);
      await r.body?.cancel();
      status = r.status;
      headers = Object.fromEntries(r.headers);
    } catch {
      /* the navigation reports the failure */
    }
  }
  return { status: () => status, headers: () => headers };
}

function timeoutError(message) {
  const e = new Error(message);
  e.name = 'TimeoutError';
  return e;
}

class WebKitPage {
  #driver;
  #options;
  #listeners = { console: [], pageerror: [] };
  #nextId = 0;
  #closed = null;

  constructor(driver, options) {
    this.#driver = driver;
    this.#options = options;
  }

  async goto(url) {
    const [response] = await Promise.all([responseOf(url), this.#driver.command('POST', '/url', { url })]);
    await this.evaluate(() => true); // installs the bridge in the new document: console capture starts here
    return response;
  }

  /** Runs `fn(arg)` in the page, awaited; its result, or its exception rethrown (name, message, stack). */
  async evaluate(fn, arg) {
    const { evaluateTimeout, sliceMs } = this.#options;
    const id = `e${++this.#nextId}`;
    const source = typeof fn === 'function' ? fn.toString() : `() => (${fn})`;
    const deadline = evaluateTimeout > 0 ? Date.now() + evaluateTimeout : Number.POSITIVE_INFINITY;
    let start = true;
    for (;;) {
      let reply;
      try {
        reply = await this.#driver.command('POST', '/execute/async', {
          script: EVALUATE_SCRIPT,
          args: [id, start ? source : null, start ? encodeValue(arg) : null, sliceMs],
        });
      } catch (e) {
        // The main thread was busy for the whole script timeout (a long
        // synchronous task): the script still runs once it is free, so
        // ask again (a start that timed out has started by then).
        if (!(e instanceof WebDriverError && e.error === 'script timeout')) throw e;
        reply = { outcome: null, logs: [] };
      }
      start = false;
      this.#emit(reply.logs);
      const outcome = reply.outcome;
      if (outcome?.lost) throw new Error('evaluate: the page navigated or reloaded before the result came back');
      if (outcome?.ok) return decodeValue(outcome.value);
      if (outcome) {
        const error = decodeValue(outcome.error);
        throw error instanceof Error ? error : new Error(String(error));
      }
      if (Date.now() > deadline) {
        throw timeoutError(
          `evaluate: no result within ${evaluateTimeout} ms (the page is still running it; ` +
            'raise it with launch(name, { evaluateTimeout }) or WASMPOOL_WEBKIT_EVALUATE_TIMEOUT)',
        );
      }
    }
  }

  /** Polls `fn(arg)` until it is truthy; rejects after `timeout` ms. */
  async waitFor(fn, arg, { timeout = 30_000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (await this.evaluate(fn, arg)) return;
      if (Date.now() > deadline) throw timeoutError(`waitFor: ${fn} not truthy within ${timeout} ms`);
      await sleep(50);
    }
  }

  on(event, cb) {
    if (!this.#listeners[event]) {
      throw new Error(
        `the webkit driver has no '${event}' events (WebDriver classic cannot observe them; ` +
          `check browser.pageEvents: ${Object.keys(this.#listeners).join(', ')})`,
      );
    }
    this.#listeners[event].push(cb);
  }

  #emit(logs) {
    for (const entry of logs ?? []) {
      if (entry.kind === 'console') {
        for (const cb of this.#listeners.console) cb({ type: entry.type, text: entry.text });
      } else if (entry.kind === 'pageerror') {
        const e = new Error(entry.error.message);
        e.name = entry.error.name;
        if (entry.error.stack) e.stack = `${e.name}: ${e.message}\n${entry.error.stack}`;
        for (const cb of this.#listeners.pageerror) cb(e);
      }
    }
  }

  /**
   * A PNG of the viewport to `path`. WebDriver classic has no full-page
   * screenshot: with `fullPage` the window is made as tall as the page for
   * the shot (up to 8000 px), then restored (a page whose layout depends on
   * the window's height may lay out differently meanwhile).
   */
  async screenshot({ path, fullPage = false } = {}) {
    let restore = null;
    if (fullPage) {
      const rect = await this.#driver.command('GET', '/window/rect');
      const [pageHeight, innerHeight] = await this.evaluate(() => [
        document.documentElement.scrollHeight,
        window.innerHeight,
      ]);
      if (pageHeight > innerHeight) {
        const height = Math.min(rect.height - innerHeight + pageHeight, 8000);
        await this.#driver.command('POST', '/window/rect', { width: rect.width, height });
        restore = { width: rect.width, height: rect.height };
      }
    }
    try {
      const png = Buffer.from(await this.#driver.command('GET', '/screenshot'), 'base64');
      if (path) fs.writeFileSync(path, png);
      return png;
    } finally {
      if (restore) await this.#driver.command('POST', '/window/rect', restore);
    }
  }

  close() {
    this.#closed ??= this.#driver.quit().finally(() => this.#options.onClose());
    return this.#closed;
  }
}
