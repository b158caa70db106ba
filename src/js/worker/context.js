// What a running task can see of its worker: `self.wasmpool` (the
// TaskContext type of index.d.ts): ids, its abort signal, progress reports.
// The context tracks which task is current, so these always refer to it.

import { MSG } from '../common/messages.js';
import { P } from '../common/protocol.js';

const abortError = () => new DOMException('the task was aborted', 'AbortError');

/** A claimed task as the worker tracks it: `{ id, w, controller, reports }` (w: its payload word 0). */
export class RunningTask {
  constructor(id, w) {
    this.controller = null; // an AbortController, made when the task first asks for its signal
    this.reports = 0; // progress reports posted (P.PROGRESS)
    this.id = id;
    this.w = w;
  }
}

export class TaskContext {
  /** @param {import('../common/layout.js').CoreView} view */
  constructor(view) {
    // The task whose code is running now (or awaiting), or null.
    this.current = null;
    this._view = view;
  }

  /** Installs `self.wasmpool` for the tasks of worker `uid` (table index `index`). */
  install(uid, index) {
    const context = this;
    self.wasmpool = Object.freeze({
      workerId: uid,
      workerIndex: index,
      /** The running task's AbortSignal (fires when the page aborts it; async tasks see it fire). */
      get signal() {
        return context.#signal();
      },
      /** Whether the page asked the running task to stop (for synchronous loops). */
      get aborted() {
        return context.#aborted(context.current);
      },
      /** Reports progress of the running task; the page sees it on its Future. */
      progress(value) {
        const task = context.current;
        if (task === null) return;
        task.reports++;
        self.postMessage({ type: MSG.PROGRESS, id: task.id, value });
      },
      /** Throws an AbortError if the page asked the running task to stop. */
      checkAborted() {
        if (context.#aborted(context.current)) throw abortError();
      },
    });
  }

  #aborted(task) {
    return task !== null && Atomics.load(this._view.i32, task.w + P.ABORT) !== 0;
  }

  #signal() {
    const task = this.current;
    if (task === null) return undefined;
    if (task.controller === null) this.#watchAbort(task);
    return task.controller.signal;
  }

  // The page stores 1 in the abort word and notifies it; an async wait on
  // the word turns that into the signal's abort event.
  #watchAbort(task) {
    task.controller = new AbortController();
    const wake = Atomics.waitAsync(this._view.i32, task.w + P.ABORT, 0);
    (wake.async ? wake.value : Promise.resolve()).then(() => {
      if (this.current === task && this.#aborted(task)) task.controller.abort(abortError());
    });
  }

  /** The task is done: ends its abort watcher, if it had one. */
  release(task) {
    if (task.controller !== null) Atomics.notify(this._view.i32, task.w + P.ABORT);
    if (this.current === task) this.current = null;
  }
}
