// Stopping one task early: its timeout, its AbortSignal, force-cancel. A
// queued task is withdrawn; a running one is asked to stop (abort word in its
// slot, seen as self.wasmpool.signal) or has its worker terminated and
// replaced, since a thread cannot be interrupted any other way.

import { TimeoutError } from '../errors.js';

export class TaskControl {
  #dispatcher;
  #isRunning;
  #requestAbort;
  #kill;

  /**
   * What a transport does to one task (both transports' task records):
   * @param {object} deps
   * @param {{ taskOf(future: object): object | undefined, withdraw(task: object): boolean }} deps.dispatcher
   * @param {(task: object) => boolean} deps.isRunning whether a worker runs it now
   * @param {(task: object) => void} deps.requestAbort tells the running task (self.wasmpool.signal)
   * @param {(task: object) => void} deps.kill terminates (and replaces) the worker running it
   */
  constructor({ dispatcher, isRunning, requestAbort, kill }) {
    this.#dispatcher = dispatcher;
    this.#isRunning = isRunning;
    this.#requestAbort = requestAbort;
    this.#kill = kill;
  }

  /** Applies a task's TaskOptions (timeout, signal) to its future. */
  apply(future, { timeout, signal, abortGrace }) {
    if (timeout !== undefined) {
      const timer = setTimeout(() => {
        if (!future.done()) {
          this.stop(
            future,
            new TimeoutError(`the task did not finish within ${timeout} ms; its worker was terminated`),
          );
        }
      }, timeout);
      future.addDoneCallback(() => clearTimeout(timer));
    }
    if (signal) this.#watchSignal(future, signal, abortGrace ?? 100);
  }

  #watchSignal(future, signal, abortGrace) {
    const onAbort = () => {
      if (future.done()) return;
      const reason = signal.reason ?? new DOMException('the task was aborted', 'AbortError');
      const task = this.#dispatcher.taskOf(future);
      if (task && this.#isRunning(task)) {
        // Running: tell the task (self.wasmpool.signal), then stop it if it
        // has not stopped by itself within the grace period.
        this.#requestAbort(task);
        future._reject(reason);
        setTimeout(() => this.killRunning(task), abortGrace);
      } else {
        this.stop(future, reason);
      }
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    future.addDoneCallback(() => signal.removeEventListener('abort', onAbort));
  }

  /** Settles `future` with `error` now: withdrawn if queued, its worker replaced if running. */
  stop(future, error) {
    const task = this.#dispatcher.taskOf(future);
    if (!task) return;
    const running = this.#isRunning(task);
    if (!running) this.#dispatcher.withdraw(task);
    future._reject(error);
    if (running) this.killRunning(task);
  }

  /** Terminates (and replaces) the worker running `task`, if it still runs it. */
  killRunning(task) {
    if (this.#isRunning(task)) this.#kill(task); // else not started, or it finished meanwhile
  }
}
