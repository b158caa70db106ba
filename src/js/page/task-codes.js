// What a task function is, as the workers will know it: a task-module export
// (by name), a Rust task (by name), or source text compiled in the worker.
// Each distinct one becomes a code entry with a pool-unique id; its text is
// stored in shared memory once, and a worker compiles or looks it up once.

import { BrokenPoolError } from '../errors.js';
import { checkTask } from './options.js';

/** @typedef {import('../runtime.js').WasmExports} WasmExports */

/**
 * A task function as the workers know it. `ptr`/`len`: its text in shared
 * memory once stored (store), else 0.
 *
 * @typedef {object} CodeEntry
 * @property {number} id pool-unique
 * @property {string} text the function's source, or the export or Rust task name (`named`)
 * @property {boolean} named
 * @property {number} ptr
 * @property {number} len
 * @property {undefined} [deferred] (tells it from a DeferredCode)
 */

/**
 * A task function submitted while the task modules load: resolved at dispatch.
 *
 * @typedef {{ deferred: Function | string }} DeferredCode
 */

/** @typedef {CodeEntry | DeferredCode} Code */

export class TaskCodes {
  /** @type {Set<string> | null} the task modules' export names, once the page imported them */
  #exportNames = null;
  /** @type {WeakMap<Function, string>} task-module function -> its export name */
  #exportOf = new WeakMap();
  /** @type {WeakMap<Function, CodeEntry>} */
  #functions = new WeakMap();
  /** @type {Map<string, CodeEntry>} 'n:' name or 'f:' source -> its entry */
  #entries = new Map();
  #nextId = 1;
  /** @type {(name: string) => boolean} */
  #hasRustTask = () => false;

  /**
   * Called once the task modules are imported: their function exports (so a
   * typo is an error at the call site, and `tasks.resize` maps to its name)
   * and the runtime's Rust-task lookup.
   * @param {Array<Record<string, unknown>>} namespaces
   * @param {(name: string) => boolean} hasRustTask
   */
  setExports(namespaces, hasRustTask) {
    this.#exportNames = new Set();
    for (const namespace of namespaces) {
      for (const [name, value] of Object.entries(namespace)) {
        if (typeof value !== 'function') continue;
        this.#exportNames.add(name);
        if (!this.#exportOf.has(value)) this.#exportOf.set(value, name);
      }
    }
    this.#hasRustTask = hasRustTask;
  }

  /**
   * The code entry of `fn`. While the task modules are still loading the
   * answer is `{ deferred: fn }`, resolved by `resolve` at dispatch.
   * @param {unknown} fn checked here
   * @returns {Code}
   */
  of(fn) {
    checkTask(fn);
    if (this.#exportNames === null) return { deferred: fn };
    if (typeof fn === 'function') {
      const exported = this.#exportOf.get(fn);
      if (exported !== undefined) return this.#entry(exported, true);
      let entry = this.#functions.get(fn);
      if (entry === undefined) {
        entry = this.#entry(Function.prototype.toString.call(fn), false);
        this.#functions.set(fn, entry);
      }
      return entry;
    }
    if (!this.#exportNames.has(fn) && !this.#hasRustTask(fn)) {
      const known = [...this.#exportNames].map((n) => `"${n}"`).join(', ');
      const modules = known
        ? `the task modules export ${known}`
        : 'the pool has no task module (new Pool({ module: url }))';
      throw new TypeError(`unknown task "${fn}": ${modules} and no Rust task has that name`);
    }
    return this.#entry(fn, true);
  }

  /**
   * A possibly deferred entry, resolved now (throws as `of` does). Called at
   * dispatch, once the task modules are imported: `of` defers no more.
   * @param {Code} code
   * @returns {CodeEntry}
   */
  resolve(code) {
    return code.deferred === undefined ? code : /** @type {CodeEntry} */ (this.of(code.deferred));
  }

  // One entry per distinct source (a fresh arrow function per call shares it).
  /**
   * @param {string} text
   * @param {boolean} named
   * @returns {CodeEntry}
   */
  #entry(text, named) {
    const key = (named ? 'n:' : 'f:') + text;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { id: this.#nextId++, text, named, ptr: 0, len: 0 };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /**
   * Function sources and task names live in shared memory for the pool's life.
   * @param {CodeEntry} entry
   * @param {WasmExports} wasm
   * @param {import('../common/layout.js').CoreView} view
   */
  store(entry, wasm, view) {
    const bytes = new TextEncoder().encode(entry.text);
    entry.len = bytes.length;
    entry.ptr = wasm.wp_alloc(bytes.length);
    view.refresh().u8.set(bytes, entry.ptr);
  }

  /**
   * Frees every stored text (at shutdown).
   * @param {WasmExports} wasm
   */
  free(wasm) {
    for (const entry of this.#entries.values()) if (entry.ptr) wasm.wp_free(entry.ptr, entry.len);
    this.#entries.clear();
  }
}

/**
 * The page imports the task modules too: to know their export names (a typo is an error at the call site).
 * @param {string[]} urls
 * @returns {Promise<Array<Record<string, unknown>>>}
 */
export async function importTaskModules(urls) {
  const namespaces = [];
  for (const url of urls) {
    try {
      namespaces.push(await import(/* webpackIgnore: true */ /* @vite-ignore */ url));
    } catch (error) {
      throw new BrokenPoolError(
        `cannot load task module ${url}: ${/** @type {{ message?: string } | null} */ (error)?.message || error}`,
        { cause: error },
      );
    }
  }
  return namespaces;
}
