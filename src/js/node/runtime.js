// The Node.js runtime: a crate's wasm read from disk, and pool threads that
// are worker_threads running that crate's worker bundle (the very code of a
// browser pool thread, e.g. the package's pkg/worker.js) in a Web Worker
// scope (worker-scope.js). Node.js always has shared memory, so there is no
// isolation to check. Everything Node-only lives in this folder, reachable
// only through package.json's "node" export condition: a browser bundle never
// sees it. node/index.js sets it up for the package's wasm; a crate of its
// own (crates/wasmpool-demo/js/node.js) for its own.

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setPlatform } from '../platform.js';
import { setRuntimeSource } from '../runtime.js';
import { NodeWorker } from './node-worker.js';

/** @typedef {import('../runtime.js').SpawnedWorker} SpawnedWorker */

/**
 * A wasm-bindgen output's JS module (the package's pkg/wasmpool.js, or a
 * crate's): its init function and the glue functions the page calls.
 *
 * @typedef {import('../runtime.js').Glue & {
 *   default(init: { module_or_path: WebAssembly.Module }): Promise<import('../runtime.js').WasmExports>
 * }} GlueModule
 */

/**
 * Sets this process's wasmpool runtime (the first one set wins, as in a
 * page): `wasm`, the URL of the wasm-bindgen output's .wasm; `glue`, its JS
 * module namespace; `workerEntry`, the URL of a worker_threads entry that
 * imports ./install-scope.js and then the worker bundle built on that glue
 * (statically, in that order: the scope must exist before the bundle sets its
 * message handler, and a message that arrives before it would be lost);
 * `init(glue)`, run once the module is instantiated (e.g. to register Rust
 * tasks).
 *
 * @param {object} runtime
 * @param {URL} runtime.wasm
 * @param {GlueModule} runtime.glue
 * @param {URL} runtime.workerEntry
 * @param {(glue: GlueModule) => void} [runtime.init]
 */
export function setNodeRuntime({ wasm: wasmUrl, glue, workerEntry, init }) {
  // A NodeWorker has the members of a Worker that the page side uses.
  /** @param {string} name */
  const spawnWorker = (name) =>
    /** @type {SpawnedWorker} */ (/** @type {unknown} */ (new NodeWorker(workerEntry, name)));
  setPlatform({
    alwaysIsolated: true,
    cores: () => os.availableParallelism(),
    taskModuleUrl,
    holdProcess,
  });
  setRuntimeSource(async () => {
    const module = await WebAssembly.compile(await readFile(wasmUrl));
    const wasm = await glue.default({ module_or_path: module });
    init?.(glue);
    return { wasm, glue, module, spawnWorker };
  });
}

// ---- the process's life ----
//
// Workers never keep the process alive by themselves (node-worker.js unrefs
// them), and neither does a pending Atomics.waitAsync (a script whose only
// pending work is a waitAsync exits). A pool holds the
// process while it starts, while its tasks run and while it shuts down
// (page/pool.js, page/memory/completions.js): one ref'd timer while any hold is out.
// So an idle pool lets a script end, as piscina and tinypool do; keepAlive
// makes a pool hold the process until it has shut down.

let holds = 0;
/** @type {NodeJS.Timeout | null} */
let timer = null;
const noop = () => {};

/** @returns {() => void} lets the process go (once) */
function holdProcess() {
  if (holds++ === 0) {
    timer ??= setInterval(noop, 2 ** 31 - 1);
    timer.ref();
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    // Set by the first hold.
    if (--holds === 0) /** @type {NodeJS.Timeout} */ (timer).unref();
  };
}

// ---- task modules ----

/**
 * A task module as workers import it: a URL (a file: URL, e.g.
 * `new URL('./tasks.js', import.meta.url)`), a path (relative ones against the
 * working directory, as worker_threads takes them), or a package specifier
 * ('some-package/tasks.js', resolved as an import from here would be).
 *
 * @param {string | URL} module
 * @returns {string}
 */
function taskModuleUrl(module) {
  const spec = module instanceof URL ? module.href : String(module);
  // A scheme of two letters or more (file:, data:), not a Windows drive letter.
  const scheme = /^([a-z][a-z\d+.-]+):/i.exec(spec)?.[1].toLowerCase();
  if (scheme === 'file' || scheme === 'data') return spec;
  if (scheme !== undefined) {
    throw new TypeError(
      `task module ${spec}: Node.js imports task modules from files (a path or a file: URL) or data: URLs, not ${scheme}: URLs`,
    );
  }
  if (spec.startsWith('.') || (path.isAbsolute(spec) && path.sep === '\\')) {
    return pathToFileURL(path.resolve(spec)).href;
  }
  try {
    return import.meta.resolve(spec);
  } catch {
    // Not found: the pool's start reports it (BrokenPoolError on pool.ready).
    return pathToFileURL(path.resolve(spec)).href;
  }
}
