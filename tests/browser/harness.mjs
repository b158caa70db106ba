// Helpers for browser tests: real headless Chromium (Debian's, via
// playwright-core; no browser download) and pages from the project's server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const CHROME_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

export function chromePath() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  const found = candidates.find((c) => c && fs.existsSync(c));
  if (!found) throw new Error('no Chromium found: install Debian\'s chromium package (npm run setup does) or set CHROME_PATH');
  return found;
}

let browserPromise = null;
const servers = {};

export function launchBrowser() {
  browserPromise ??= chromium.launch({ executablePath: chromePath(), headless: true, args: CHROME_ARGS });
  return browserPromise;
}

/** Base URL of the project's server, isolated (COOP/COEP) or not. Started once per process. */
export async function serverUrl({ isolated = true } = {}) {
  const key = isolated ? 'isolated' : 'plain';
  servers[key] ??= startServer({ isolated });
  return (await servers[key]).url;
}

/** A fresh page (own context) at `path`; console output collected in `page.logs`. */
export async function openPage({ isolated = true, path: pagePath = '/tests/browser/blank.html' } = {}) {
  const browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.logs = [];
  const log = (line) => {
    page.logs.push(line);
    if (process.env.WASMPOOL_TEST_VERBOSE) process.stderr.write(`[page] ${line}\n`);
  };
  page.on('console', (m) => log(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  await page.goto((await serverUrl({ isolated })) + pagePath);
  return page;
}

export async function closeAll() {
  if (browserPromise) await (await browserPromise).close().catch(() => {});
  browserPromise = null;
  for (const key of Object.keys(servers)) {
    await (await servers[key]).close();
    delete servers[key];
  }
}

export function tempDir(prefix = 'wasmpool-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
