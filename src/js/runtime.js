// The main thread's wasm runtime: loaded once per page, shared by every pool.
//
// Where the runtime comes from is pluggable, because there are two ways to
// ship wasmpool:
//  - the npm package: `package-runtime.js` fetches and instantiates
//    pkg/wasmpool_bg.wasm (written so bundlers see the wasm and worker URLs);
//  - a Rust crate that depends on wasmpool: its own wasm module already runs
//    on the page, and `embedded.js` (a wasm-bindgen snippet) hands over that
//    instance, so Rust closures and JS tasks share one memory.
// Either way the result is `{ wasm, glue, module, memory, stackSize, spawnWorker }`,
// and every worker instantiates the same compiled module on the same memory.

import { checkLayout } from './common/layout.js';
import { THREAD_STACK_BYTES } from './common/layout-constants.js';
import { BrokenPoolError, NotIsolatedError } from './errors.js';
import { platform } from './platform.js';

/**
 * The wasm instance's raw exports (wasm-bindgen's InitOutput; a crate's has
 * more): the hot paths call them directly.
 *
 * @typedef {import('../../pkg/wasmpool.js').InitOutput} WasmExports
 */

/**
 * The wasm-bindgen glue functions the page calls: those package-runtime.js
 * hands over (a crate's runtime may hand over its whole glue module).
 *
 * @typedef {Pick<typeof import('../../pkg/wasmpool.js'),
 *   | 'wp_abandon' | 'wp_begin_shutdown' | 'wp_drain_queued' | 'wp_free_thread_heap' | 'wp_has_task' | 'wp_occupy'
 *   | 'wp_pool_address' | 'wp_pool_free' | 'wp_pool_new' | 'wp_request_kill' | 'wp_safe_to_terminate'
 *   | 'wp_slots_ptr' | 'wp_worker_ptr'>} Glue
 */

/**
 * A pool worker as spawnWorker starts it: a Web Worker, or in Node.js a
 * NodeWorker (node/node-worker.js), which also reports its end.
 *
 * @typedef {Worker & { onexit?: ((code: number) => void) | null, closed?: Promise<unknown> }} SpawnedWorker
 */

/**
 * What a runtime source's load() resolves to.
 *
 * @typedef {object} RuntimeParts
 * @property {WasmExports} wasm
 * @property {Glue} glue
 * @property {WebAssembly.Module} module the compiled module every worker instantiates
 * @property {(name: string) => SpawnedWorker} spawnWorker starts a pool worker named `name`
 * @property {string} [glueUrl] the glue workers import (a crate's runtime)
 */

/**
 * The runtime loadRuntime() gives: the parts, the shared memory and each
 * worker thread's stack size.
 *
 * @typedef {RuntimeParts & { memory: WebAssembly.Memory, stackSize: number }} Runtime
 */

/**
 * What the message transport starts its workers with (each loads its own wasm instance from `wasmUrl`).
 *
 * @typedef {object} MessageWorkers
 * @property {(name: string) => SpawnedWorker} spawnWorker
 * @property {URL} wasmUrl
 */

/** @type {(() => Promise<RuntimeParts>) | null} */
let source = null;
/** @type {Promise<Runtime> | null} */
let loading = null;
/** @type {string | null} */
let threadStartTrap = null;

/**
 * Sets where the runtime comes from: `load()` resolves to
 * `{ wasm, glue, module, spawnWorker(name), glueUrl? }` where `wasm` is the raw
 * export object (the hot paths call it directly) and `glue` holds the
 * wasm-bindgen glue functions the JS layer calls (`wp_has_task`; a crate's
 * runtime may hand over its whole glue module). The first source set wins:
 * one page has one runtime. `workers`: `{ spawnWorker, wasmUrl }` for the
 * message transport (none: the runtime cannot serve it).
 *
 * @param {() => Promise<RuntimeParts>} load
 * @param {MessageWorkers} [workers]
 */
export function setRuntimeSource(load, workers) {
  if (source !== null) return;
  source = load;
  // From the same call only: a pool spawns these ahead of its runtime
  // (page/memory/transport.js), so they must be that runtime's workers.
  workerSource = workers ?? null;
}

/** @type {MessageWorkers | null} */
let workerSource = null;

/**
 * What the message transport needs without loading the wasm on the page:
 * `{ spawnWorker(name), wasmUrl }` (null for a Rust crate's pool).
 *
 * @returns {MessageWorkers | null}
 */
export const messageWorkers = () => workerSource;

/** @type {boolean | undefined} */
let canShare;

/**
 * Whether a shared wasm memory can be posted to a worker here (the shared
 * transport's condition). Without isolation, browsers still create a shared
 * WebAssembly.Memory but refuse to post it (DataCloneError), and WebKitGTK
 * reports crossOriginIsolated yet has no SharedArrayBuffer. So: isolated, a
 * SharedArrayBuffer, and cloning a one-page shared memory does not throw.
 *
 * @returns {boolean}
 */
export function canShareMemory() {
  if (platform.alwaysIsolated) return true;
  if (canShare === undefined) {
    try {
      canShare =
        globalThis.crossOriginIsolated === true &&
        typeof SharedArrayBuffer === 'function' &&
        !!structuredClone(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
    } catch {
      canShare = false;
    }
  }
  return canShare;
}

/**
 * Throws NotIsolatedError unless shared memory is available on this page.
 *
 * @param {string} [what] what needs it, for the error's message
 */
export function assertIsolated(what) {
  if (!canShareMemory()) throw new NotIsolatedError(what);
}

/**
 * Loads (once) and returns the runtime, checked against this JS layer's memory layout.
 *
 * @returns {Promise<Runtime>}
 */
export function loadRuntime() {
  loading ??= (async () => {
    assertIsolated();
    if (source === null) throw new Error('wasmpool: no runtime: import wasmpool from its package entry (index.js)');
    const rt = await source();
    checkLayout(rt.wasm);
    return { ...rt, memory: rt.wasm.memory, stackSize: THREAD_STACK_BYTES };
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/**
 * Records that a worker trapped inside its wasm thread start (wasm-bindgen's
 * start function, before any wasmpool code: it mallocs the thread's stack
 * while holding a lock of its own, then its TLS block). The dead thread may
 * hold that lock, or the allocator's, for good; every later thread start on
 * this memory would then wait forever, so from now on no worker starts.
 *
 * @param {string} message what the worker reported
 */
export function markThreadStartTrapped(message) {
  threadStartTrap ??= message;
}

/**
 * A BrokenPoolError if a thread trapped in its wasm start on this page (see above), else null.
 *
 * @returns {BrokenPoolError | null}
 */
export function threadStartTrapped() {
  if (threadStartTrap === null) return null;
  return new BrokenPoolError(
    `a worker trapped while starting its wasm thread (${threadStartTrap}); it may have left a lock of the ` +
      'thread start or of the allocator held, so no thread can start on this memory any more: reload the page ' +
      '(Node.js: restart the process)',
  );
}
