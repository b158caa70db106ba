// What the payload words of a task slot mean to the JS layer (the Rust core
// treats them as opaque; see src/sched/README.md for the state machine).
// Shared by the page side (pool.js) and the worker side (worker.js).

import * as L from './shared/layout-constants.js';

/** Payload word indices (each a u32 at slot + layout.slotPayload + 4 * index). */
export const P = Object.freeze({
  FN: 0, // function id, unique per pool
  CODE_PTR: 1, // address of the function's source (or task name), UTF-8
  CODE_LEN: 2,
  ARGS_PTR: 3, // encoded arguments (codec.js)
  ARGS_LEN: 4,
  FLAGS: 5, // FLAG_* below
  STATUS: 6, // STATUS_* below, written with the result
  RESULT_PTR: 7,
  RESULT_LEN: 8,
  RESULT_HEAP: 9, // 1 if the result bytes were allocated (the page frees them)
  ABORT: 10, // set to 1 by the page when the task's AbortSignal fires (cooperative abort)
});

export const FLAG_ARGS_HEAP = 1; // args were allocated, not in the slot's inline area
export const FLAG_NAMED = 2; // CODE is a task-module export name, not source
export const FLAG_CHUNK = 4; // args are [[args of item 0], [args of item 1], ...]; result is [[ok, value], ...]

export const STATUS_OK = 1;
export const STATUS_ERROR = 2; // the task threw; the result is the encoded error
export const STATUS_PANIC = 3; // Rust code panicked; the result is the message
export const STATUS_CRASHED = 4; // the worker died running it (written by the page)

/** Bytes of inline argument/result space per slot; larger payloads are allocated. */
export const INLINE_BYTES = 224;

/** Codes returned by wp_worker_next/try_next instead of a task id; values of the pool's shutdown word. */
export { NEXT_EXIT, NEXT_KILLED, NEXT_EMPTY, SHUTDOWN_DRAIN, SHUTDOWN_NOW } from './shared/layout-constants.js';

/** Byte offsets in a worker record (src/sched/worker.rs, repr(C)). */
export const W = Object.freeze({
  STATUS: L.WORKER_STATUS, CURRENT: L.WORKER_CURRENT, CRITICAL: L.WORKER_CRITICAL, KILL: L.WORKER_KILL,
  TASKS_DONE: L.WORKER_TASKS_DONE, UID: L.WORKER_UID, TLS_BASE: L.WORKER_TLS_BASE, STACK_ALLOC: L.WORKER_STACK_ALLOC,
});
