// Every postMessage between the page and a pool worker, typed in one place.
// On the shared transport tasks and results never travel this way (they go
// through shared memory): these are start-up, exit and rare events. On the
// message transport (page/message/, worker/message/) tasks and results
// travel in batches: RUN and DONE below.

/** Message types, page → worker and worker → page. */
export const MSG = Object.freeze({
  /** worker → page: started; tasks may be claimed. `{ scriptUrl }`: the URL its script was loaded from (page/blob-spawn.js). */
  READY: 'ready',
  /** worker → page: start-up failed; `{ message, stack, threadStart }` (threadStart: it trapped in its wasm thread start). */
  ERROR: 'error',
  /** worker → page: a completion while the page waits without Atomics.waitAsync. */
  WAKE: 'wake',
  /** worker → page: `{ slot, id, value }` from self.wasmpool.progress(value). */
  PROGRESS: 'progress',
  /** worker → page: left its loop (shutdown, or `{ retired: true }` by maxTasksPerChild); runs no more wasm. */
  EXITED: 'exited',
  /** worker → page: Rust code trapped; this instance is unusable and must be replaced. */
  PANICKED: 'panicked',
  /** page → worker: `{ id, buffer }`, a SharedArrayBuffer a task refers to by id (common/refs.js). */
  SHARED_BUFFER: 'sab',
  /** page → worker (message transport): a RunBatch (an array, as DONE and ABORT). */
  RUN: 'run',
  /** worker → page (message transport): a DoneBatch. */
  DONE: 'done',
  /**
   * page → worker (message transport): `[ABORT, id]`: abort task `id` if running (answered STATUS_ABORTING,
   * with every task not started returned), skip it if not started (answered STATUS_RETURNED).
   */
  ABORT: 'abort',
  /** worker → page (message transport): a task called self.close(); `{ running }`: the ids it was running. */
  CLOSING: 'closing',
  /** page → worker, and its answer: instead of an InitMessage, "say you started", then nothing (page/blob-spawn.js). */
  PROBE: 'probe',
});

/**
 * Message transport batches are flat arrays, not objects: browsers serialize
 * an array of small numbers several times faster than an object holding
 * arrays and a Uint8Array, and that is most of a no-op round trip. Encoded
 * bytes up to INLINE_BYTES_MAX travel inline, as numbers; longer ones as one
 * Uint8Array, transferred from TRANSFER_BYTES on (a transfer costs more than
 * copying a few KB).
 */
export const INLINE_BYTES_MAX = 1024;
export const TRANSFER_BYTES = 16384;

/**
 * Message transport, page → worker: tasks in one message,
 * `[MSG.RUN, n, code, bytes, ...4n task words, ...inline bytes]`. Task `i`'s
 * words are `[id, fn, flags, end]`: its pool-unique id, its code id, FLAG_* of
 * protocol.js, and where its encoded arguments end in the batch's bytes (they
 * start where the previous task's end). The bytes are `bytes` (a Uint8Array),
 * or, when that is null, the numbers after the task words. `code`: null, or
 * the code entries this worker has not seen yet, `[fn, text, named]`.
 *
 * @typedef {Array<unknown>} RunBatch
 */

/**
 * Message transport, worker → page: results in one message,
 * `[MSG.DONE, busy, progress, bytes, n, ...3n result words, ...inline bytes]`.
 * Result `i`'s words are `[id, status, end]` (STATUS_* of protocol.js; the
 * encoded value ends at `end` of the bytes, given as in RunBatch). `progress`:
 * null, or the self.wasmpool.progress(value) reports since the last batch,
 * `[id, value]` in order; the page delivers them before the results. `busy`:
 * ms these tasks took, from start to settling (the page sizes batches by it).
 *
 * @typedef {Array<unknown>} DoneBatch
 */

// V8 keeps typed arrays of up to this many bytes on its heap; a view of one
// (subarray) or its `.buffer` moves it off the heap first, which costs several
// times more than copying it.
const ON_HEAP_BYTES_MAX = 64;

/**
 * The bytes of a RunBatch's or DoneBatch's entries: `entry(start, end)` is
 * one entry's encoded value. They are views of the batch's Uint8Array (index
 * 3), or of one array of the numbers from `at` on, except when those are few
 * enough for V8's heap: then each entry is a small copy of its own.
 *
 * @param {RunBatch | DoneBatch} message
 * @param {number} at the index of the first inline byte
 * @returns {(start: number, end: number) => Uint8Array}
 */
export function batchBytes(message, at) {
  const n = message.length - at;
  if (message[3] === null && n <= ON_HEAP_BYTES_MAX) {
    return (start, end) => copyNumbers(message, at + start, end - start);
  }
  const bytes = /** @type {Uint8Array | null} */ (message[3]) ?? copyNumbers(message, at, n);
  return (start, end) => bytes.subarray(start, end);
}

/**
 * @param {unknown[]} message a batch whose numbers from `from` on are bytes
 * @param {number} from
 * @param {number} n
 * @returns {Uint8Array}
 */
function copyNumbers(message, from, n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = /** @type {number} */ (message[from + i]);
  return out;
}

/**
 * The first message the page posts to a worker on the message transport
 * (fields named as in InitMessage).
 *
 * @typedef {object} MessageInitMessage
 * @property {'message'} transport
 * @property {number} index
 * @property {number} uid
 * @property {string[]} modules
 * @property {{ code: string, named: boolean } | null} initializer
 * @property {unknown[]} initargs
 * @property {number} concurrency
 * @property {string} [wasmUrl] where the worker fetches the wasm for an instance of its own (first Rust task)
 * @property {boolean} [rustTasks] load that instance at once and put the Rust task names in READY
 *   (`{ type: 'ready', rustTasks: string[] }`, or `rustError: { name, message }` where no instance can be made)
 */

/**
 * The first message the page posts to a worker on the shared transport (it has no `type`).
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
 * @property {Array<[number, SharedArrayBuffer]>} sharedBuffers buffers registered before it started
 */
