// A task's code, turned into something the worker can call: a task-module
// export, a Rust task (through the wasm-bindgen glue), or source text
// compiled once per worker. The page gives each distinct code an id
// (page/task-codes.js); the worker caches by that id.

import { FLAG_NAMED, P } from '../common/protocol.js';

export class TaskFunctions {
  constructor(named, glue) {
    this._named = named; // Map of task-module export name -> function
    this._glue = glue;
    this._byId = new Map();
    this._utf8 = new TextDecoder();
  }

  /** The function of the task whose payload starts at word `w`. */
  lookup(view, w) {
    const { u8, u32 } = view;
    const id = u32[w + P.FN];
    let fn = this._byId.get(id);
    if (fn === undefined) {
      const ptr = u32[w + P.CODE_PTR];
      // TextDecoder refuses views on shared memory: decode a private copy.
      const code = this._utf8.decode(u8.slice(ptr, ptr + u32[w + P.CODE_LEN]));
      fn = u32[w + P.FLAGS] & FLAG_NAMED ? this.byName(code) : compile(code);
      if (typeof fn !== 'function') {
        const exports = [...this._named.keys()].map((n) => `"${n}"`).join(', ') || 'no functions';
        throw new TypeError(
          `no task named "${code}": the task modules export ${exports}, and no Rust task has that name`,
        );
      }
      this._byId.set(id, fn);
    }
    return fn;
  }

  /** A task-module export or Rust task by name, or undefined. */
  byName(name) {
    return this._named.get(name) ?? rustTask(this._glue, name);
  }
}

/** Imports the task modules: a Map of their function exports by name. */
export async function importTaskModules(urls) {
  const named = new Map();
  for (const url of urls) {
    let namespace;
    try {
      namespace = await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
    } catch (error) {
      throw new Error(`cannot load task module ${url}: ${error?.message || error}`);
    }
    for (const [name, value] of Object.entries(namespace)) if (typeof value === 'function') named.set(name, value);
  }
  return named;
}

/** Inline functions and initializers are compiled from their source, once per worker. */
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

// Rust tasks are called through wasm-bindgen's glue (it converts the
// arguments); a trap in them is a panic.
function rustTask(glue, name) {
  const id = glue.wp_task_id(name);
  if (id < 0) return undefined;
  return (...args) => glue.wp_run_task(id, args);
}
