// The one door to a browser for everything that drives one: the browser
// tests (tests/browser/harness.mjs), the example apps' smoke test
// (tests/examples/smoke.mjs) and the bench (bench/run.mjs). One file per
// engine, all with the same small interface, so callers never know which
// driver library is underneath. None of them downloads a browser: each runs
// the Debian package scripts/setup.sh installed.
//
//   const b = await launch(name, options)
//   b.name       'chromium' | 'firefox' | 'webkit'
//   b.label      short name and major version: 'Chromium 156', 'Firefox ESR 153', 'WebKitGTK 2.50'
//   b.version    the full version string the browser reports
//   b.pid        the browser's root process (idle_cpu walks the tree from it),
//                or null if there is none (webkit: a driver process per page;
//                idle_cpu then counts every child of this process)
//   b.pageEvents the events its pages emit (webkit: 'console' and 'pageerror'
//                only, captured in the page; on() throws for the others)
//   await b.newPage()  → DriverPage, in a browser context of its own
//   await b.close()
//
//   DriverPage: goto(url) → { status(), headers() }, evaluate(fn, arg),
//   waitFor(fn, arg, { timeout }), on('console' | 'pageerror' | 'worker' |
//   'response' | 'requestfailed', cb), screenshot({ path }), close()
//
// Functions given to evaluate/waitFor run in the page: they are sent as
// source text, so they cannot use the caller's variables; pass data through
// `arg` (one JSON-serializable value) and return JSON-serializable results.

import { launchChromium } from './chromium.mjs';
import { launchFirefox } from './firefox.mjs';
import { launchNode } from './node.mjs';
import { launchWebKit } from './webkit.mjs';

const LAUNCHERS = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit, node: launchNode };

/** Every browser the project is tested in, in the order runs use. */
export const BROWSERS = ['chromium', 'firefox', 'webkit'];

/**
 * Every driver: the browsers, and `node`, whose pages are Node.js processes
 * running wasmpool's Node.js runtime (node.mjs), for the same suites.
 */
export const DRIVERS = Object.keys(LAUNCHERS);

/**
 * The browsers that cannot share memory with workers, even on an isolated
 * page: WebKitGTK reports crossOriginIsolated but has no SharedArrayBuffer,
 * so it runs the message transport only.
 */
export const MESSAGE_ONLY_BROWSERS = ['webkit'];

/** Whether `name` can run the shared transport (on an isolated page). */
export function canShareMemory(name) {
  return !MESSAGE_ONLY_BROWSERS.includes(name);
}

/**
 * Launches `name` headless. Options: `exposeGc` (Chromium: --expose-gc, for
 * the bench's memory rows), `precisePerformanceNow` (Firefox, diagnosis
 * only: performance.now() not coarsened to 20 µs), `evaluateTimeout` (WebKit:
 * ms before an evaluate gives up, default 600 000; see webkit.mjs).
 */
export function launch(name, options = {}) {
  const launcher = LAUNCHERS[name];
  if (!launcher) throw new Error(`unknown browser ${name} (one of ${DRIVERS.join(', ')})`);
  return launcher(options);
}
