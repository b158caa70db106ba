// A task's code, turned into something the worker can call: a task-module
// export, a Rust task (through the wasm-bindgen glue), or source text
// compiled once per worker. The page gives each distinct code an id
// (page/task-codes.js); the worker caches by that id.

/** @typedef {(...args: any[]) => unknown} TaskFunction */

/**
 * The wasm-bindgen glue functions a worker calls for Rust tasks.
 * @typedef {object} RustGlue
 * @property {(name: string) => number} wp_task_id the task's id, or a negative number if there is none
 * @property {(id: number, args: unknown[]) => unknown} wp_run_task
 */

// The functions that call Rust tasks (a trap in them is a panic the instance's hook described).
/** @type {WeakSet<Function>} */
const rustTasks = new WeakSet();

export class TaskFunctions {
  /**
   * @param {Map<string, TaskFunction>} named the task modules' function exports by name
   * @param {RustGlue | null} glue the glue Rust tasks are called through, or null: `loadGlue` gives it
   * @param {() => Promise<RustGlue>} [loadGlue] loads it when a Rust task is first named (message transport)
   */
  constructor(named, glue, loadGlue) {
    this._named = named;
    this._glue = glue;
    this._loadGlue = loadGlue;
    // code id -> its function, a promise of it while the glue loads, or its source until first used
    /** @type {Map<number, TaskFunction | Promise<TaskFunction> | [string, boolean]>} */
    this._byId = new Map();
  }

  /**
   * Records code `id`: source text, or a task name if `named`. It is made a function when first used.
   * @param {number} id @param {string} code @param {boolean} named
   */
  add(id, code, named) {
    this._byId.set(id, [code, named]);
  }

  /**
   * Code `id`'s function, a promise of it while the glue loads, or undefined
   * if it was never added. Throws (or rejects) if it cannot be made.
   * @param {number} id
   * @returns {TaskFunction | Promise<TaskFunction> | undefined}
   */
  get(id) {
    const fn = this._byId.get(id);
    return Array.isArray(fn) ? this.#make(id, fn) : fn;
  }

  /**
   * Whether code `id` was made into a Rust task.
   * @param {number} id
   */
  isRust(id) {
    const fn = this._byId.get(id);
    return typeof fn === 'function' && rustTasks.has(fn);
  }

  /**
   * A task-module export or Rust task by name, or undefined (the
   * initializer's; no glue is loaded for it).
   * @param {string} name
   * @returns {TaskFunction | undefined}
   */
  byName(name) {
    return this._named.get(name) ?? (this._glue === null ? undefined : rustTask(this._glue, name));
  }

  /**
   * @param {number} id
   * @param {[string, boolean]} source
   */
  #make(id, source) {
    const [code, named] = source;
    const fn = named ? (this._named.get(code) ?? this.#rust(code)) : compile(code);
    this._byId.set(id, fn);
    if (fn instanceof Promise) {
      fn.then(
        (f) => this._byId.set(id, f),
        () => this._byId.set(id, source),
      );
    }
    return fn;
  }

  /** @param {string} name @returns {TaskFunction | Promise<TaskFunction>} */
  #rust(name) {
    const glue = this._glue;
    if (glue !== null) return rustTask(glue, name) ?? this.#noTask(name);
    if (this._loadGlue === undefined) return this.#noTask(name);
    return this._loadGlue().then((g) => rustTask(g, name) ?? this.#noTask(name));
  }

  /** @param {string} name @returns {never} */
  #noTask(name) {
    const exports = [...this._named.keys()].map((n) => `"${n}"`).join(', ') || 'no functions';
    throw new TypeError(`no task named "${name}": the task modules export ${exports}, and no Rust task has that name`);
  }
}

// Rust tasks are called through wasm-bindgen's glue (it converts the
// arguments); a trap in them is a panic.
/** @param {RustGlue} glue @param {string} name @returns {TaskFunction | undefined} */
function rustTask(glue, name) {
  const id = glue.wp_task_id(name);
  if (id < 0) return undefined;
  /** @type {TaskFunction} */
  const fn = (...args) => glue.wp_run_task(id, args);
  rustTasks.add(fn);
  return fn;
}

/**
 * The message of a Rust panic: the panic hook wrote it to this thread's
 * buffer; it is read from memory without calling into the trapped instance.
 * @param {WebAssembly.Memory} memory
 * @param {number} address the thread's panic buffer (wp_panic_buffer)
 * @param {Error} trap
 */
export function panicMessage(memory, address, trap) {
  const view = new DataView(memory.buffer);
  const len = view.getUint32(address, true);
  const bytes = new Uint8Array(memory.buffer).slice(address + 4, address + 4 + len);
  const message = len ? new TextDecoder().decode(bytes) : '';
  return message || `Rust code trapped: ${trap.message}`;
}

/**
 * Imports the task modules: a Map of their function exports by name.
 * @param {string[]} urls
 * @returns {Promise<Map<string, TaskFunction>>}
 */
export async function importTaskModules(urls) {
  /** @type {Map<string, TaskFunction>} */
  const named = new Map();
  for (const url of urls) {
    let namespace;
    try {
      namespace = await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
    } catch (error) {
      throw new Error(`cannot load task module ${url}: ${errorMessage(error)}`);
    }
    for (const [name, value] of Object.entries(namespace)) if (typeof value === 'function') named.set(name, value);
  }
  return named;
}

/**
 * Runs the pool's initializer (source, or a name `functions` knows) before the worker's first task.
 * @param {{ code: string, named: boolean }} initializer
 * @param {unknown[]} initargs
 * @param {TaskFunctions} functions
 */
export async function runInitializer(initializer, initargs, functions) {
  const fn = initializer.named ? functions.byName(initializer.code) : compile(initializer.code);
  if (typeof fn !== 'function') throw new Error(`initializer: no task named "${initializer.code}"`);
  try {
    await fn(...initargs);
  } catch (error) {
    const name = /** @type {{ name?: string } | null} */ (error)?.name;
    throw new Error(`the initializer failed: ${name ? `${name}: ` : ''}${errorMessage(error)}`);
  }
}

/** @param {unknown} error */
const errorMessage = (error) => /** @type {{ message?: string } | null} */ (error)?.message || String(error);

/**
 * Inline functions and initializers are compiled from their source, once per worker.
 * @param {string} source
 * @returns {TaskFunction}
 */
export function compile(source) {
  try {
    // biome-ignore lint/security/noGlobalEval lint/complexity/noCommaOperator: the task is source text; indirect eval compiles it in the worker's global scope, as the page's own code would be.
    return (0, eval)(`(${source})\n//# sourceURL=wasmpool-task.js`);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  // Method shorthand (`name(a) { ... }`) is not an expression on its own.
  try {
    // biome-ignore lint/security/noGlobalEval lint/complexity/noCommaOperator: as above.
    const holder = (0, eval)(`({${source}})\n//# sourceURL=wasmpool-task.js`);
    const fn = Object.values(holder)[0];
    if (typeof fn === 'function') return fn;
  } catch {
    // fall through
  }
  throw new TypeError(
    `cannot compile the task function in a worker: ${source.length > 80 ? `${source.slice(0, 77)}...` : source}. ` +
      'Built-in and bound functions cannot be sent; use a function expression or a task module.',
  );
}

/**
 * A closure over page variables fails in the worker with a bare
 * ReferenceError; say why and what to do instead.
 * @param {unknown} error
 */
export function explainClosure(error) {
  // V8 and SpiderMonkey: 'x is not defined'; JavaScriptCore: "Can't find variable: x".
  if (error instanceof ReferenceError && /( is not defined$|^Can't find variable: )/.test(error.message)) {
    error.message +=
      ' (task functions run in a worker and cannot use variables from the page: pass the value as an argument, ' +
      'e.g. pool.submit((x, y) => ..., x, y), or put the code in a task module)';
  }
  return error;
}
