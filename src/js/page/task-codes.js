// What a task function is, as the workers will know it: a task-module export
// (by name), a Rust task (by name), or source text compiled in the worker.
// Each distinct one becomes a code entry with a pool-unique id; its text is
// stored in shared memory once, and a worker compiles or looks it up once.

import { BrokenPoolError } from '../errors.js';
import { checkTask } from './options.js';

export class TaskCodes {
  #exportNames = null; // Set of task-module export names, once the page imported them
  #exportOf = new WeakMap(); // task-module Function -> its export name
  #functions = new WeakMap(); // Function -> code entry
  #entries = new Map(); // 'n:' name or 'f:' source -> code entry
  #nextId = 1;
  #hasRustTask = () => false;

  /**
   * Called once the task modules are imported: their function exports (so a
   * typo is an error at the call site, and `tasks.resize` maps to its name)
   * and the runtime's Rust-task lookup.
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

  /** A possibly deferred entry, resolved now (throws as `of` does). */
  resolve(code) {
    return code.deferred === undefined ? code : this.of(code.deferred);
  }

  // One entry per distinct source (a fresh arrow function per call shares it).
  #entry(text, named) {
    const key = (named ? 'n:' : 'f:') + text;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { id: this.#nextId++, text, named, ptr: 0, len: 0 };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** Function sources and task names live in shared memory for the pool's life. */
  store(entry, wasm, view) {
    const bytes = new TextEncoder().encode(entry.text);
    entry.len = bytes.length;
    entry.ptr = wasm.wp_alloc(bytes.length);
    view.refresh().u8.set(bytes, entry.ptr);
  }

  /** Frees every stored text (at shutdown). */
  free(wasm) {
    for (const entry of this.#entries.values()) if (entry.ptr) wasm.wp_free(entry.ptr, entry.len);
    this.#entries.clear();
  }
}

/** The page imports the task modules too: to know their export names (a typo is an error at the call site). */
export async function importTaskModules(urls) {
  const namespaces = [];
  for (const url of urls) {
    try {
      namespaces.push(await import(/* webpackIgnore: true */ /* @vite-ignore */ url));
    } catch (error) {
      throw new BrokenPoolError(`cannot load task module ${url}: ${error?.message || error}`, { cause: error });
    }
  }
  return namespaces;
}
