// A minimal W3C WebDriver (classic, HTTP) client: start a driver process,
// open one session on it, send commands. Enough for tests/drivers/webkit.mjs;
// no dependency (selenium-webdriver or webdriverio would bring dozens of
// packages for the five commands used here).
//
// Requests go through node:http rather than fetch: fetch (undici) gives up on
// a response after 300 s, and nothing here should time out on its own —
// callers choose their timeouts (a bench evaluate can take minutes).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { freePort } from './common.mjs';

/** An error response of the remote end: `error` is the W3C error code ('javascript error', 'script timeout', …). */
export class WebDriverError extends Error {
  constructor(command, status, error, message) {
    super(`WebDriver ${command}: ${error}${message ? `: ${message}` : ''} (HTTP ${status})`);
    this.name = 'WebDriverError';
    this.error = error;
  }
}

const agent = new http.Agent({ keepAlive: true });

/** One HTTP request to the driver at `base`; resolves with the response's `value`, or rejects with WebDriverError. */
function request(base, method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: payload
          ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let value;
          try {
            value = JSON.parse(text).value;
          } catch {
            reject(new WebDriverError(`${method} ${path}`, res.statusCode, 'unreadable response', text.slice(0, 200)));
            return;
          }
          if (res.statusCode >= 400 || value?.error) {
            reject(new WebDriverError(`${method} ${path}`, res.statusCode, value?.error ?? 'error', value?.message));
          } else resolve(value);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Starts `executable --port=N` (N free) with `env`, in a process group of its
 * own (so that closing it also ends the browser it started), and resolves
 * once it answers GET /status. Retries on another port if the driver exits
 * first (a port taken between choosing it and the driver binding it).
 */
export async function startDriver(executable, { env = process.env, readyTimeout = 30_000 } = {}) {
  let lastError = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(executable, [`--port=${port}`], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d) => {
      output = (output + d).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.once('error', (e) => keep(`spawn error: ${e.message}`));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + readyTimeout;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      try {
        await request(base, 'GET', '/status');
        return new Driver(child, base, exited, () => output);
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    killGroup(child);
    lastError = new Error(`${executable} --port=${port} did not start within ${readyTimeout} ms:\n${output}`);
  }
  throw lastError;
}

/**
 * `signal` to the process group `child` leads: the driver and everything it
 * started (the browser and its web processes stay in the group). Sent even
 * once the leader exited: its browser may still be running.
 */
export function killGroup(child, signal = 'SIGKILL') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

class Driver {
  constructor(child, base, exited, output) {
    this.child = child;
    this.base = base;
    this.exited = exited;
    this.output = output;
  }

  /** Opens the session (WebKitWebDriver allows one per driver process); resolves with its capabilities. */
  async newSession(alwaysMatch) {
    const { sessionId, capabilities } = await request(this.base, 'POST', '/session', { capabilities: { alwaysMatch } });
    this.sessionId = sessionId;
    return capabilities;
  }

  /** A command of the session: `command('POST', '/url', { url })` → its value. */
  command(method, path, body) {
    return request(this.base, method, `/session/${this.sessionId}${path}`, body);
  }

  /** Ends the session (the driver closes its browser), then the driver; never throws. */
  async quit({ graceMs = 3000 } = {}) {
    if (this.sessionId) {
      const id = this.sessionId;
      this.sessionId = null;
      await Promise.race([
        request(this.base, 'DELETE', `/session/${id}`).catch(() => {}),
        new Promise((r) => setTimeout(r, graceMs)),
      ]);
    }
    killGroup(this.child, 'SIGTERM');
    const exited = await Promise.race([this.exited.then(() => true), new Promise((r) => setTimeout(r, graceMs))]);
    if (!exited) killGroup(this.child);
  }
}
