// Stopping one task early: its timeout, its AbortSignal, force-cancel. A
// queued task is withdrawn; a running one is asked to stop (abort word in its
// slot, seen as self.wasmpool.signal) or has its worker terminated and
// replaced, since a thread cannot be interrupted any other way.

import { abortError } from '../common/abort-error.js';
import { TimeoutError } from '../errors.js';

/** @typedef {import('./engine.js').TaskRecord} TaskRecord */

export class TaskControl {
  /** @type {(task: TaskRecord, stopping?: boolean) => boolean} */
  #withdraw;
  /** @type {(task: TaskRecord) => boolean} */
  #isRunning;
  /** @type {(task: TaskRecord) => void} */
  #requestAbort;
  /** @type {(task: TaskRecord) => void} */
  #kill;

  /**
   * What a transport does to one task (both transports' task records, each
   * with its `future`):
   * @param {object} deps
   * @param {(task: TaskRecord, stopping?: boolean) => boolean} deps.withdraw takes it back if no worker has
   *   started it (`stopping`: it must not run on, so a worker found running it is terminated)
   * @param {(task: TaskRecord) => boolean} deps.isRunning whether a worker runs it now
   * @param {(task: TaskRecord) => void} deps.requestAbort tells the running task (self.wasmpool.signal)
   * @param {(task: TaskRecord) => void} deps.kill terminates (and replaces) the worker running it
   */
  constructor({ withdraw, isRunning, requestAbort, kill }) {
    this.#withdraw = withdraw;
    this.#isRunning = isRunning;
    this.#requestAbort = requestAbort;
    this.#kill = kill;
  }

  /**
   * Applies a task's TaskOptions (timeout, signal) to it.
   * @param {TaskRecord} task
   * @param {import('./options.js').TaskOptions} options
   */
  apply(task, { timeout, signal, abortGrace }) {
    const { future } = task;
    if (timeout !== undefined) {
      const timer = setTimeout(() => {
        if (!future.done()) {
          this.stop(task, new TimeoutError(`the task did not finish within ${timeout} ms; its worker was terminated`));
        }
      }, timeout);
      future.addDoneCallback(() => clearTimeout(timer));
    }
    if (signal) this.#watchSignal(task, signal, abortGrace ?? 100);
  }

  /**
   * @param {TaskRecord} task
   * @param {AbortSignal} signal
   * @param {number} abortGrace ms
   */
  #watchSignal(task, signal, abortGrace) {
    const { future } = task;
    const onAbort = () => {
      if (future.done()) return;
      const reason = signal.reason ?? abortError();
      if (this.#isRunning(task)) {
        // Running: tell the task (self.wasmpool.signal), then stop it if it
        // has not stopped by itself within the grace period.
        this.#requestAbort(task);
        future._reject(reason);
        setTimeout(() => this.killRunning(task), abortGrace);
      } else {
        this.stop(task, reason);
      }
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    future.addDoneCallback(() => signal.removeEventListener('abort', onAbort));
  }

  /**
   * Settles `task` with `error` now: withdrawn if queued, its worker replaced if running.
   * @param {TaskRecord} task
   * @param {unknown} error
   */
  stop(task, error) {
    const running = this.#isRunning(task);
    if (!running) this.#withdraw(task, true);
    task.future._reject(error);
    if (running) this.killRunning(task);
  }

  /**
   * Terminates (and replaces) the worker running `task`, if it still runs it.
   * @param {TaskRecord} task
   */
  killRunning(task) {
    if (this.#isRunning(task)) this.#kill(task); // else not started, or it finished meanwhile
  }
}
