// What a running task can see of its worker: `self.wasmpool` (the
// TaskContext type of index.d.ts): ids, its abort signal, progress reports.
// Every member refers to the core's current task, on either transport.

import { abortError } from '../common/abort-error.js';

/**
 * Installs `self.wasmpool` for the tasks `core` runs.
 * @param {import('./task-core.js').TaskCore<any>} core
 * @param {number} uid this worker's unique id
 * @param {number} index its index in the pool
 */
export function installContext(core, uid, index) {
  const io = core.io;
  /** @type {import('../index.js').TaskContext} */
  const context = {
    workerId: uid,
    workerIndex: index,
    /** The running task's AbortSignal (fires when the page aborts it; async tasks see it fire). */
    get signal() {
      return core.signal();
    },
    /** Whether the page asked the running task to stop (for synchronous loops). */
    get aborted() {
      const task = core.current;
      return task !== null && io.aborted(task);
    },
    /** Reports progress of the running task; the page sees it on its Future. */
    progress(value) {
      const task = core.current;
      if (task !== null) io.progress(task, value);
    },
    /** Throws an AbortError if the page asked the running task to stop. */
    checkAborted() {
      const task = core.current;
      if (task !== null && io.aborted(task)) throw abortError();
    },
  };
  self.wasmpool = Object.freeze(context);
}
