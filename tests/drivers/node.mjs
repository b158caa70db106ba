// Node.js as a "browser": each page is a child `node` process (node-page.mjs)
// that runs the functions sent to it, so the browser suites run unchanged
// against wasmpool's Node.js runtime (worker_threads). In a page, '/src/...'
// and '/tests/...' name the project's files as they do on the test server,
// and '/src/js/index.js' is the package's Node.js entry (package.json's "node"
// condition), as `import 'wasmpool'` in Node.js gives.
//
// Differences from a browser page, each the reason a suite skips a test
// (harness.mjs `needs`): no DOM, no non-isolated page (Node.js always has
// shared memory), no Worker global to subclass.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PAGE_SCRIPT = path.join(HERE, 'node-page.mjs');
const PROJECT_ROOT = path.resolve(HERE, '../..');

export async function launchNode() {
  const pages = new Set();
  return {
    name: 'node',
    label: `Node.js ${process.versions.node} (worker_threads)`,
    version: process.version,
    pid: process.pid,
    async newPage() {
      const page = new NodePage();
      pages.add(page);
      page.onClose = () => pages.delete(page);
      await page.started;
      return page;
    },
    async close() {
      await Promise.all([...pages].map((p) => p.close()));
    },
  };
}

class NodePage {
  #child;
  #pending = new Map(); // call id -> { resolve, reject }
  #nextId = 1;
  #listeners = { console: [], pageerror: [] };
  #exited;
  onClose = null;

  constructor() {
    // Advanced serialization: results are structured clones, as a page's
    // evaluate returns its values.
    // The project is the page's working directory (relative task-module paths).
    this.#child = fork(PAGE_SCRIPT, [], {
      cwd: PROJECT_ROOT,
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.#exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.started = new Promise((resolve, reject) => {
      this.#child.once('message', (m) => (m?.type === 'ready' ? resolve() : reject(new Error(String(m)))));
      this.#child.once('error', reject);
    });
    this.#child.on('message', (m) => this.#onMessage(m));
    this.#child.once('exit', (code, signal) => {
      for (const { reject } of this.#pending.values()) {
        reject(new Error(`the Node.js page exited (code ${code}, signal ${signal})`));
      }
      this.#pending.clear();
    });
    for (const [stream, type] of [
      [this.#child.stdout, 'log'],
      [this.#child.stderr, 'error'],
    ]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const text of lines) this.#emit('console', { type, text });
      });
    }
  }

  #onMessage(m) {
    if (m?.type === 'result') {
      const call = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.ok) call?.resolve(m.value);
      else
        call?.reject(
          Object.assign(new Error(`page: ${m.error.name}: ${m.error.message}`), { pageStack: m.error.stack }),
        );
    } else if (m?.type === 'pageerror') {
      this.#emit('pageerror', Object.assign(new Error(m.message), { name: m.name }));
    }
  }

  #emit(event, value) {
    for (const cb of this.#listeners[event] ?? []) cb(value);
  }

  // A page has no URL to load: the "page" is the process itself.
  async goto() {
    return { status: () => 200, headers: () => ({}) };
  }

  evaluate(fn, arg) {
    const id = this.#nextId++;
    const source = typeof fn === 'function' ? fn.toString() : String(fn);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ type: 'evaluate', id, source, arg });
    });
  }

  async waitFor(fn, arg, { timeout = 30_000 } = {}) {
    const until = Date.now() + timeout;
    while (!(await this.evaluate(fn, arg))) {
      if (Date.now() > until) throw new Error(`waitFor: not true within ${timeout} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  on(event, cb) {
    this.#listeners[event]?.push(cb);
  }

  async screenshot() {
    throw new Error('a Node.js page has no screen');
  }

  async close() {
    this.onClose?.();
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.#exited;
  }
}
