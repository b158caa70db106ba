// The one door to a browser for everything that drives one: the browser
// tests (tests/browser/harness.mjs), the example apps' smoke test
// (tests/examples/smoke.mjs) and the bench (bench/run.mjs). One file per
// engine, all with the same small interface, so callers never know which
// driver library is underneath. None of them downloads a browser: each runs
// the Debian package scripts/setup.sh installed.
//
//   const b = await launch(name, options)
//   b.name       'chromium' | 'firefox'
//   b.label      short name and major version: 'Chromium 156', 'Firefox ESR 153'
//   b.version    the full version string the browser reports
//   b.pid        the browser's root process (idle_cpu walks the tree from it)
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

const LAUNCHERS = { chromium: launchChromium, firefox: launchFirefox, node: launchNode };

/** Every browser the project is tested in, in the order runs use. */
export const BROWSERS = ['chromium', 'firefox'];

/**
 * Every driver: the browsers, and `node`, whose pages are Node.js processes
 * running wasmpool's Node.js runtime (node.mjs), for the same suites.
 */
export const DRIVERS = Object.keys(LAUNCHERS);

/**
 * Launches `name` headless. Options: `exposeGc` (Chromium: --expose-gc, for
 * the bench's memory rows), `precisePerformanceNow` (Firefox, diagnosis
 * only: performance.now() not coarsened to 20 µs).
 */
export function launch(name, options = {}) {
  const launcher = LAUNCHERS[name];
  if (!launcher) throw new Error(`unknown browser ${name} (one of ${DRIVERS.join(', ')})`);
  return launcher(options);
}
