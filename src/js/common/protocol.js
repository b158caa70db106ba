// What the payload words of a task slot mean to the JS layer: the Rust core
// treats them as opaque (src/sched/README.md), so these are JS-only. Written
// by the page when it dispatches (page/memory/dispatcher.js) and by the worker when
// it completes (worker/memory/slot-io.js). Where a slot is: layout.js.

/** Payload word indices (each a u32 at slot + layout.slotPayload + 4 * index). */
export const P = Object.freeze({
  FN: 0, // function id, unique per pool
  CODE_PTR: 1, // address of the function's source (or task name), UTF-8
  CODE_LEN: 2,
  ARGS_PTR: 3, // encoded arguments (common/codec/)
  ARGS_LEN: 4,
  FLAGS: 5, // FLAG_* below
  STATUS: 6, // STATUS_* below, written with the result
  RESULT_PTR: 7,
  RESULT_LEN: 8,
  RESULT_HEAP: 9, // 1 if the result bytes were allocated (the page frees them)
  ABORT: 10, // set to 1 by the page when the task's AbortSignal fires (cooperative abort)
  // Progress reports the task posted before its result (written with the
  // result): the page settles the future only once that many have arrived,
  // because reports travel by message and the result through shared memory.
  PROGRESS: 11,
});

export const FLAG_ARGS_HEAP = 1; // args were allocated, not in the slot's inline area
export const FLAG_NAMED = 2; // CODE is a task-module export name, not source
export const FLAG_CHUNK = 4; // args are [items, flat]; result is [values, failures] (worker/memory/slot-io.js)
// Message transport: the task may be stopped (a timeout or a signal), so its
// worker sends the results it holds before starting it, and the page knows
// which task a stuck worker is running.
export const FLAG_WATCHED = 8;

export const STATUS_OK = 1;
export const STATUS_ERROR = 2; // the task threw; the result is the encoded error
export const STATUS_PANIC = 3; // Rust code panicked; the result is the message
export const STATUS_CRASHED = 4; // the worker died running it (written by the page)
// Message transport only, answers in a DoneBatch that carry no value:
export const STATUS_RETURNED = 5; // not started; the page sends it to a worker again (or drops it if settled)
export const STATUS_ABORTING = 6; // running and asked to stop; its worker starts nothing until it ends

/** Bytes of inline argument/result space per slot; larger payloads are allocated. */
export const INLINE_BYTES = 224;
