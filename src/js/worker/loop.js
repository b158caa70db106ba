// The claim loop of a pool worker: take the next task id from the core
// (blocking in wasm on the jobs event while idle, core invariant 5), run it,
// repeat, until the pool shuts down, the page kills this worker, Rust code
// traps, or maxTasksPerChild retires it.

import { NEXT_EMPTY, NEXT_KILLED } from '../shared/layout-constants.js';

// How long an idle worker blocks in wasm before letting its event loop run.
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
 * Runs tasks until the loop ends. `concurrency` async tasks may be in flight
 * at once; while any is, the worker claims without blocking so their
 * continuations run.
 * @param {object} loop `{ wasm, pool, index, runner, concurrency, maxTasks, yieldToEventLoop }`
 * @returns {Promise<string>} a LoopEnd value
 */
export async function claimLoop({ wasm, pool, index, runner, concurrency, maxTasks, yieldToEventLoop }) {
  const inFlight = new Set();
  const oneFinishes = () => Promise.race(inFlight);
  for (;;) {
    if (runner.trapped) return LoopEnd.PARK;
    if (runner.tasksDone + inFlight.size >= maxTasks) {
      if (inFlight.size === 0) return LoopEnd.RETIRED;
      await oneFinishes();
      continue;
    }
    if (inFlight.size >= concurrency) {
      await oneFinishes();
      continue;
    }
    const id =
      inFlight.size === 0 ? wasm.wp_worker_next(pool, index, IDLE_SLICE_MS) : wasm.wp_worker_try_next(pool, index);
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
    const pending = runner.run(id);
    if (pending === null) continue;
    if (concurrency === 1) {
      await pending;
    } else {
      inFlight.add(pending);
      pending.then(() => inFlight.delete(pending));
    }
  }
}
