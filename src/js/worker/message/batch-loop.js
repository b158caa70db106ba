// The task loop of a message-transport worker (page/message/transport.js):
// tasks arrive in RUN batches and run in order, through the task core; their
// results go back in DONE batches (outbox.js), one when the inbox is done,
// sooner (every FLUSH_MS) while tasks are slow, so that results stream and a
// crash loses at most that much. The page stops a task with an ABORT message.

import { decode } from '../../common/codec/index.js';
import { batchBytes, MSG } from '../../common/messages.js';
import { FLAG_WATCHED, STATUS_ABORTING, STATUS_PANIC, STATUS_RETURNED } from '../../common/protocol.js';
import { yieldToEventLoop } from '../event-loop.js';
import { TaskCore } from '../task-core.js';
import { Outbox } from './outbox.js';

const FLUSH_MS = 1;

/**
 * A task from a RUN batch (a CoreTask of task-core.js).
 * @typedef {object} BatchTask
 * @property {number} id
 * @property {number} code its code id
 * @property {number} flags FLAG_*
 * @property {Uint8Array} args its encoded arguments
 * @property {boolean} aborted the page stopped it while it ran
 * @property {AbortController | null} controller
 * @property {number} t0 when its time started, for a task the pump does not time (-1: the pump times it)
 */

/** @typedef {import('../task-core.js').TaskIO<BatchTask>} TaskIO */

/** @implements {TaskIO} */
export class BatchLoop {
  /**
   * @param {import('../functions.js').TaskFunctions} functions
   * @param {number} concurrency async tasks that may be in flight at once
   * @param {(error: Error) => string} panicMessage the message of a panic in the worker's Rust instance
   */
  constructor(functions, concurrency, panicMessage) {
    this.core = new TaskCore(this);
    this._functions = functions;
    this._concurrency = concurrency;
    this._panicMessage = panicMessage;
    /** @type {BatchTask[]} */
    this._queue = [];
    this._head = 0;
    this._pumping = false;
    /** @type {Set<Promise<unknown>>} */
    this._inFlight = new Set();
    this._skip = new Set(); // ids the page withdrew before they started
    this._out = new Outbox();
  }

  /** @param {import('../../common/messages.js').RunBatch} message */
  receive(message) {
    if (this.core.trapped || this._out.closed) return;
    const words = /** @type {any[]} */ (message);
    const n = words[1];
    const code = /** @type {Array<[number, string, boolean]> | null} */ (words[2]);
    if (code !== null) for (const [id, text, named] of code) this._functions.add(id, text, named);
    const entryBytes = batchBytes(message, 4 + 4 * n);
    let start = 0;
    for (let w = 4; w < 4 + 4 * n; w += 4) {
      const end = words[w + 3];
      const args = entryBytes(start, end);
      this._queue.push({
        id: words[w],
        code: words[w + 1],
        flags: words[w + 2],
        args,
        aborted: false,
        controller: null,
        t0: -1,
      });
      start = end;
    }
    // Sent before the page heard of an abort here: this worker may be terminated soon.
    if (this.core.abortRequested()) this.#returnQueued();
    else this.#pump();
  }

  /**
   * The page stopped task `id`. Running: its signal fires, and this worker
   * hands back every task it has not started and takes none until it ends
   * (the page may terminate it when abortGrace is over). Not started: it is
   * skipped. Either way the page hears it at once.
   * @param {number} id
   */
  abort(id) {
    const task = this.#running(id);
    if (task !== undefined) {
      task.aborted = true;
      this.core.abort(task);
      this._out.answer(id, STATUS_ABORTING);
      this.#returnQueued();
    } else {
      for (let i = this._head; i < this._queue.length; i++) {
        if (this._queue[i].id === id && !this._skip.has(id)) {
          this._skip.add(id);
          this._out.answer(id, STATUS_RETURNED);
          break;
        }
      }
    }
    this._out.flush();
  }

  /** A task called self.close(): send what is done, and say which tasks die with this worker. */
  closing() {
    const { core } = this;
    if (this._out.closed) return;
    this._out.flush();
    this._out.closed = true;
    const running = [...core.running].map((task) => task.id);
    // A synchronous task is running only while its code runs.
    if (core.current !== null && !core.running.has(core.current)) running.push(core.current.id);
    self.postMessage({ type: MSG.CLOSING, running });
  }

  /** @param {number} id */
  #running(id) {
    for (const task of this.core.running) if (task.id === id) return task;
    return undefined;
  }

  // Every task not started goes back to the page, which sends it elsewhere.
  #returnQueued() {
    for (let i = this._head; i < this._queue.length; i++) {
      const { id } = this._queue[i];
      if (!this._skip.delete(id)) this._out.answer(id, STATUS_RETURNED);
    }
    this._queue = [];
    this._head = 0;
    this._out.flush();
  }

  // Each task is timed from the end of the one before: one clock read a task
  // (bench/NOTES.md, "Message transport").
  async #pump() {
    if (this._pumping) return;
    this._pumping = true;
    const { core, _out: out, _inFlight: inFlight } = this;
    let last = performance.now();
    out.lastFlush = last;
    try {
      while (this._head < this._queue.length && !core.trapped && !out.closed) {
        if (inFlight.size >= this._concurrency) {
          await Promise.race(inFlight);
          last = performance.now();
          continue;
        }
        const task = this._queue[this._head++];
        if (this._skip.delete(task.id)) continue;
        // The page learns which task this worker runs before it starts one it may stop.
        if (task.flags & FLAG_WATCHED && out.holdsResults()) out.flush();
        const pending = core.run(task);
        const now = performance.now();
        if (pending === null) out.busy += now - last;
        else {
          // An async task counts until it settles: a task awaiting a minute holds its worker as long.
          task.t0 = last;
          inFlight.add(pending);
          pending.then(() => inFlight.delete(pending));
        }
        last = now;
        if (now - out.lastFlush > FLUSH_MS) {
          out.flush(now);
          // Lets aborts and new batches in before the next task. With none
          // left the pump ends here anyway, and a yield would only delay the
          // next batch (bench/NOTES.md, "Message transport").
          if (this._head < this._queue.length) {
            await yieldToEventLoop();
            last = performance.now();
          }
        }
      }
      this._queue = [];
      this._head = 0;
    } finally {
      this._pumping = false;
    }
    out.flush(last);
  }

  // The TaskIO of the core (task-core.js).

  /** @param {BatchTask} task */
  fn(task) {
    const fn = /** @type {import('../functions.js').TaskFunction} */ (this._functions.get(task.code));
    if (!(fn instanceof Promise)) return fn;
    // A Rust task's first call waits for the instance: it is timed from when it has it.
    return fn.finally(() => {
      task.t0 = performance.now();
    });
  }

  /** @param {BatchTask} task */
  args(task) {
    return /** @type {unknown[]} */ (decode(task.args));
  }

  /** @param {BatchTask} task @param {number} status @param {unknown} value */
  result(task, status, value) {
    if (task.t0 >= 0) this._out.busy += performance.now() - task.t0;
    this._out.result(task.id, status, value);
    // An async task finished outside the pump: its neighbours in this turn go along.
    if (!this._pumping) this._out.flushSoon();
  }

  /**
   * Rust code trapped: its instance is unusable. The page replaces this worker
   * and sends the tasks it held elsewhere.
   * @param {BatchTask} task @param {Error} error
   */
  panic(task, error) {
    const message = this._functions.isRust(task.code) ? this._panicMessage(error) : error.message;
    this._out.result(task.id, STATUS_PANIC, message);
    this._out.flush();
  }

  /** @param {BatchTask} task @param {unknown} value */
  progress(task, value) {
    this._out.progress(task.id, value);
    this._out.flush();
  }

  /** @param {BatchTask} task */
  aborted(task) {
    return task.aborted;
  }

  /** @param {BatchTask} task @param {() => void} fire */
  watchAbort(task, fire) {
    if (task.aborted) fire();
  }
}
