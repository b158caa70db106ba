// Every postMessage between the page and a pool worker, typed in one place.
// Tasks and results never travel this way (they go through shared memory);
// these are start-up, exit and the rare events the event loop must carry.

/** Message types, page → worker and worker → page. */
export const MSG = Object.freeze({
  /** worker → page: started; tasks may be claimed. */
  READY: 'ready',
  /** worker → page: start-up failed; `{ message, stack }`. */
  ERROR: 'error',
  /** worker → page: a completion while the page waits without Atomics.waitAsync. */
  WAKE: 'wake',
  /** worker → page: `{ slot, id, value }` from self.wasmpool.progress(value). */
  PROGRESS: 'progress',
  /** worker → page: left its loop (shutdown, or `{ retired: true }` by maxTasksPerChild); runs no more wasm. */
  EXITED: 'exited',
  /** worker → page: Rust code trapped; this instance is unusable and must be replaced. */
  PANICKED: 'panicked',
  /** page → worker: `{ id, buffer }`, a SharedArrayBuffer a task refers to by id (shared/refs.js). */
  SHARED_BUFFER: 'sab',
});

/**
 * The first message the page posts to a worker (it has no `type`).
 *
 * @typedef {object} InitMessage
 * @property {WebAssembly.Module} module the compiled wasm module
 * @property {WebAssembly.Memory} memory the pool's shared memory
 * @property {string} [glueUrl] the wasm-bindgen glue to import (a Rust crate's pool)
 * @property {number} pool the pool's handle (wp_pool_new), for the wp_* exports
 * @property {number} poolAddress address of the pool's control block (words read in place)
 * @property {number} index the worker's slot in the pool (0 ≤ index < workers)
 * @property {number} uid unique id of this worker across the page's pools
 * @property {number} stackSize bytes of wasm stack for this thread
 * @property {number} slotsPtr address of the pool's first task slot
 * @property {number} inlineBase address of the slots' inline argument/result areas
 * @property {string[]} modules task-module URLs to import before the first task
 * @property {{ code: string, named: boolean } | null} initializer source or export name
 * @property {unknown[]} initargs the initializer's arguments
 * @property {number} maxTasksPerChild retire after this many tasks (0: never)
 * @property {number} concurrency async tasks this worker may run at once
 * @property {boolean} fallbackWake post MSG.WAKE on completions (no Atomics.waitAsync on the page)
 * @property {string} lockName the Web Lock the worker holds for life (page/worker-handle.js)
 * @property {Array<[number, SharedArrayBuffer]>} sharedBuffers buffers registered before it started
 */
