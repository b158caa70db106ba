// The claim loop of a pool worker: take the next task id from the core, run
// it, repeat, until the pool shuts down, the page kills this worker, Rust
// code traps, or maxTasksPerChild retires it.
//
// An idle worker first sleeps hot, blocked in wasm on the jobs event (a
// publish wakes it in microseconds), then cold, in Atomics.waitAsync on the
// same word: its event loop is free (timers and handlers its tasks left,
// shared-buffer messages) and nothing wakes it until there is work, shutdown
// or a kill. The protocol and its no-lost-wake-up argument: core README,
// "Idle workers".

import { poolWord } from '../../common/layout.js';
import { NEXT_EMPTY, NEXT_KILLED, NEXT_SLEEP, POOL_JOBS_EVENT } from '../../common/layout-constants.js';
import { yieldToEventLoop } from '../event-loop.js';

// How long an idle worker stays hot before it goes cold. A task published
// within it is picked up by a futex wake (microseconds), after it by a waitAsync
// wake (an event-loop task on the worker); meanwhile the worker's event loop
// waits, so its tasks' timers fire up to this late.
const HOT_MS = 10;

// Without Atomics.waitAsync in workers there is no cold sleep: the worker
// wakes every IDLE_SLICE_MS to let its event loop run.
const CAN_SLEEP_COLD = typeof Atomics.waitAsync === 'function';
const IDLE_SLICE_MS = 10;

/** How the loop ended. */
export const LoopEnd = Object.freeze({
  /** The pool shut down: leave (wp_worker_exit, MSG.EXITED). */
  EXIT: 'exit',
  /** maxTasksPerChild reached: leave, and the page starts a fresh worker. */
  RETIRED: 'retired',
  /** The page is terminating this worker, or Rust code trapped: run nothing more. */
  PARK: 'park',
});

/**
 * What the claim loop works with.
 * @typedef {object} ClaimEnv
 * @property {any} wasm the instance's exports (wp_* functions)
 * @property {number} pool the pool's handle, for the wp_* exports
 * @property {number} poolAddress where the pool's words are
 * @property {number} index this worker's index in the pool
 * @property {import('../../common/layout.js').CoreView} view
 * @property {import('./slot-io.js').SlotIO} io
 * @property {import('../task-core.js').TaskCore<import('./slot-io.js').SlotTask>} core
 * @property {number} concurrency async tasks that may be in flight at once
 * @property {number} maxTasks tasks before the worker retires (Infinity: never)
 */

/**
 * Runs tasks until the loop ends. `concurrency` async tasks may be in flight
 * at once; while any is, the worker claims without blocking so their
 * continuations run.
 * @param {ClaimEnv} env
 * @returns {Promise<string>} a LoopEnd value
 */
export async function claimLoop({ wasm, pool, poolAddress, index, view, io, core, concurrency, maxTasks }) {
  const jobsEvent = poolWord(poolAddress, POOL_JOBS_EVENT);
  const sleepCold = () => coldSleep(wasm, pool, index, view, jobsEvent);
  /** @type {Set<Promise<unknown>>} */
  const inFlight = new Set();
  const oneFinishes = () => Promise.race(inFlight);
  for (;;) {
    if (core.trapped) return LoopEnd.PARK;
    if (core.finished + inFlight.size >= maxTasks) {
      if (inFlight.size === 0) return LoopEnd.RETIRED;
      await oneFinishes();
      continue;
    }
    // A worker whose task was asked to stop may be terminated when its grace
    // ends: it takes no new task until that one has finished.
    if (inFlight.size >= concurrency || (inFlight.size > 0 && core.abortRequested())) {
      await oneFinishes();
      continue;
    }
    let id;
    if (inFlight.size > 0) id = wasm.wp_worker_try_next(pool, index);
    else if (!CAN_SLEEP_COLD) id = wasm.wp_worker_next(pool, index, IDLE_SLICE_MS);
    else {
      id = wasm.wp_worker_next(pool, index, HOT_MS);
      if (id === NEXT_EMPTY) id = await sleepCold();
      if (id === NEXT_EMPTY) continue; // woken: look again
    }
    if (id === NEXT_EMPTY) {
      // Idle (or waiting on async tasks): let the event loop run, its tasks'
      // timers and handlers too, then look again.
      if (inFlight.size > 0) await Promise.race([oneFinishes(), new Promise((r) => setTimeout(r, 1))]);
      else await yieldToEventLoop();
      continue;
    }
    if (id === NEXT_KILLED) return LoopEnd.PARK;
    if (id < 0) {
      await Promise.all(inFlight); // exiting: finish what runs first
      return LoopEnd.EXIT;
    }
    const pending = core.run(io.task(id));
    if (pending === null) continue;
    if (concurrency === 1) {
      await pending;
    } else {
      inFlight.add(pending);
      pending.then(() => inFlight.delete(pending));
    }
  }
}

// A cold sleep (core README, "Idle workers"): read the jobs event, announce
// (the core re-checks for work), then wait asynchronously on the value read.
// Returns a task id or code if the re-check found one, else NEXT_EMPTY once
// woken.
/**
 * @param {any} wasm @param {number} pool @param {number} index
 * @param {import('../../common/layout.js').CoreView} view @param {number} jobsEvent
 * @returns {Promise<number>}
 */
async function coldSleep(wasm, pool, index, view, jobsEvent) {
  const i32 = view.refresh().i32;
  const seen = Atomics.load(i32, jobsEvent);
  const id = wasm.wp_worker_sleep_begin(pool, index, seen);
  if (id !== NEXT_SLEEP) return id;
  try {
    const wait = Atomics.waitAsync(i32, jobsEvent, seen);
    if (wait.async) await wait.value;
  } finally {
    wasm.wp_worker_sleep_end(pool);
  }
  return NEXT_EMPTY;
}
