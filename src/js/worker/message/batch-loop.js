// A pool worker on the message transport (page/message/transport.js): tasks
// arrive in RUN batches and run in order; results go back in DONE batches,
// one when the inbox is done, sooner (every FLUSH_MS) while tasks are slow,
// so that results stream and a crash loses at most that much. The worker has
// no shared memory: it imports the glue's wasm into an instance of its own
// the first time it runs a Rust task.

import { decode, Encoder } from '../../common/codec/index.js';
import { fetchWasm } from '../../common/fetch-wasm.js';
import { batchBytes, INLINE_BYTES_MAX, MSG, TRANSFER_BYTES } from '../../common/messages.js';
import {
  FLAG_CHUNK,
  FLAG_NAMED,
  FLAG_WATCHED,
  STATUS_ABORTING,
  STATUS_ERROR,
  STATUS_OK,
  STATUS_PANIC,
  STATUS_RETURNED,
} from '../../common/protocol.js';
import { compile, explainClosure, importTaskModules } from '../functions.js';
import { isThenable, panicMessage, runChunk } from '../memory/slot-io.js';

const FLUSH_MS = 1;

const abortError = () => new DOMException('the task was aborted', 'AbortError');

/**
 * Serves the message transport: `init` is the MessageInitMessage
 * (common/messages.js), `loadGlue(init)` the wasm-bindgen glue, `boot` the
 * helpers boot.js shares (`lifeLock`, held once it resolves, `runInitializer`, `yieldToEventLoop`)
 * and serveWorker's `onInstance`.
 */
export async function serveMessages(init, loadGlue, { lifeLock, runInitializer, yieldToEventLoop, onInstance }) {
  const inbox = [];
  let worker = null;
  // Messages arrive from the start; the first batch comes once READY is posted.
  const handle = (data) => {
    if (data[0] === MSG.RUN) worker.receive(data);
    else if (data[0] === MSG.ABORT) worker.abort(data[1]);
  };
  self.onmessage = ({ data }) => (worker === null ? inbox.push(data) : handle(data));
  await lifeLock;
  const named = await importTaskModules(init.modules);
  // This worker's own wasm instance (on its own memory), loaded once.
  let instance = null;
  const loadInstance = () => {
    instance ??= (async () => {
      try {
        new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      } catch {
        throw notIsolated();
      }
      const glue = await loadGlue(init);
      const module = await fetchWasm(init.wasmUrl);
      const wasm = glue.initSync({ module }); // a memory of its own
      onInstance?.(glue);
      return { glue, wasm, panicBuffer: wasm.wp_panic_buffer() };
    })();
    return instance;
  };
  const rust = (name) =>
    loadInstance().then(({ glue, wasm, panicBuffer }) => {
      const id = glue.wp_task_id(name);
      if (id < 0) {
        const exports = [...named.keys()].map((n) => `"${n}"`).join(', ') || 'no functions';
        throw new TypeError(
          `no task named "${name}": the task modules export ${exports}, and no Rust task has that name`,
        );
      }
      const fn = (...args) => glue.wp_run_task(id, args);
      fn.panic = (trap) => panicMessage(wasm.memory, panicBuffer, trap);
      return fn;
    });
  // One worker tells the page the Rust task names, for its call-site check.
  const ready = { type: MSG.READY, scriptUrl: self.location?.href };
  if (init.rustTasks) {
    try {
      ready.rustTasks = (await loadInstance()).glue.wp_task_names().split('\n');
    } catch (error) {
      ready.rustError = { name: error?.name, message: String(error?.message || error) };
    }
  }
  const run = new MessageWorker(init, named, rust, yieldToEventLoop);
  run.installContext();
  // A task that closes its worker: the page hears which tasks die with it
  // before the worker goes, so the others it holds run elsewhere.
  const close = self.close.bind(self);
  self.close = () => {
    run.closing();
    close();
  };
  if (init.initializer) await runInitializer(init, { byName: (name) => named.get(name) });
  worker = run;
  self.postMessage(ready);
  for (const data of inbox) handle(data);
}

class MessageWorker {
  constructor(init, named, rust, yieldToEventLoop) {
    this._init = init;
    this._named = named;
    this._rust = rust;
    this._yield = yieldToEventLoop;
    this._fns = new Map(); // code id -> function, or [text, named] until first used
    this._queue = [];
    this._head = 0;
    this._pumping = false;
    this._inFlight = new Set();
    this._running = new Map(); // id -> { id, aborted, controller } of started, unfinished tasks
    this._skip = new Set(); // ids the page withdrew before they started
    this._current = null;
    this._trapped = false;
    this._closed = false;
    this._encoder = new Encoder();
    this._out = new Uint8Array(4096);
    this._outLen = 0;
    this._results = [];
    this._progress = [];
    this._busy = 0;
    this._lastFlush = 0;
    this._flushQueued = false;
  }

  /** `self.wasmpool` for this worker's tasks (the TaskContext type of index.d.ts). */
  installContext() {
    const worker = this;
    const current = () => worker._current;
    self.wasmpool = Object.freeze({
      workerId: this._init.uid,
      workerIndex: this._init.index,
      get signal() {
        const task = current();
        if (task === null) return undefined;
        task.controller ??= new AbortController();
        if (task.aborted) task.controller.abort(abortError());
        return task.controller.signal;
      },
      get aborted() {
        return current()?.aborted ?? false;
      },
      progress(value) {
        const task = current();
        if (task === null) return;
        worker._progress.push([task.id, value]);
        worker.#flush();
      },
      checkAborted() {
        if (current()?.aborted) throw abortError();
      },
    });
  }

  /** @param {import('../../common/messages.js').RunBatch} message */
  receive(message) {
    if (this._trapped || this._closed) return;
    const [, n, code] = message;
    if (code !== null) for (const [id, text, named] of code) this._fns.set(id, [text, named]);
    const entryBytes = batchBytes(message, 4 + 4 * n);
    let start = 0;
    for (let w = 4; w < 4 + 4 * n; w += 4) {
      const end = message[w + 3];
      this._queue.push({ id: message[w], fn: message[w + 1], flags: message[w + 2], args: entryBytes(start, end) });
      start = end;
    }
    // Sent before the page heard of an abort here: this worker may be terminated soon.
    if (this.#aborting()) this.#returnQueued();
    else this.#pump();
  }

  /**
   * The page stopped task `id`. Running: its signal fires, and this worker
   * hands back every task it has not started and takes none until it ends
   * (the page may terminate it when abortGrace is over). Not started: it is
   * skipped. Either way the page hears it at once.
   */
  abort(id) {
    const task = this._running.get(id);
    if (task !== undefined) {
      task.aborted = true;
      task.controller?.abort(abortError());
      this.#answer(id, STATUS_ABORTING);
      this.#returnQueued();
    } else {
      for (let i = this._head; i < this._queue.length; i++) {
        if (this._queue[i].id === id && !this._skip.has(id)) {
          this._skip.add(id);
          this.#answer(id, STATUS_RETURNED);
          break;
        }
      }
    }
    this.#flush();
  }

  /** A task called self.close(): send what is done, and say which tasks die with this worker. */
  closing() {
    if (this._closed) return;
    this.#flush();
    this._closed = true;
    self.postMessage({ type: MSG.CLOSING, running: [...this._running.keys()] });
  }

  #aborting() {
    for (const task of this._running.values()) if (task.aborted) return true;
    return false;
  }

  // Every task not started goes back to the page, which sends it elsewhere.
  #returnQueued() {
    for (let i = this._head; i < this._queue.length; i++) {
      const { id } = this._queue[i];
      if (!this._skip.delete(id)) this.#answer(id, STATUS_RETURNED);
    }
    this._queue = [];
    this._head = 0;
    this.#flush();
  }

  // An answer without a value (STATUS_RETURNED, STATUS_ABORTING).
  #answer(id, status) {
    this._results.push(id, status, this._outLen);
  }

  // Each task is timed from the end of the one before (one clock read per
  // task: performance.now() costs ~0.2 µs in a Chromium worker, and a no-op
  // round trip is ~30 µs).
  async #pump() {
    if (this._pumping) return;
    this._pumping = true;
    let last = performance.now();
    this._lastFlush = last;
    const concurrency = this._init.concurrency || 1;
    try {
      while (this._head < this._queue.length && !this._trapped && !this._closed) {
        if (this._inFlight.size >= concurrency) {
          await Promise.race(this._inFlight);
          last = performance.now();
          continue;
        }
        const task = this._queue[this._head++];
        if (this._skip.delete(task.id)) continue;
        // The page learns which task this worker runs before it starts one it may stop.
        if (task.flags & FLAG_WATCHED && this._results.length > 0) this.#flush();
        const pending = this.#run(task, last);
        const now = performance.now();
        if (pending === null) this._busy += now - last;
        else {
          this._inFlight.add(pending);
          pending.then(() => this._inFlight.delete(pending));
        }
        last = now;
        if (now - this._lastFlush > FLUSH_MS) {
          this.#flush(now);
          // Lets aborts and new batches in before the next task. With none
          // left the pump ends here anyway, and a yield would only delay the
          // next batch: by 0.7 ms a task in WebKitGTK 2.50 (its MessageChannel
          // turn), which held map_small there at 1.4-1.6× single-thread JS.
          if (this._head < this._queue.length) {
            await this._yield();
            last = performance.now();
          }
        }
      }
      this._queue = [];
      this._head = 0;
    } finally {
      this._pumping = false;
    }
    this.#flush(last);
  }

  // Runs one task (started at `start`); null if it finished synchronously
  // (the pump counts its time), else a promise.
  #run({ id, fn, flags, args }, start) {
    const task = { id, aborted: false, controller: null };
    this._running.set(id, task);
    const inline = !(flags & FLAG_NAMED);
    const finish = (status, value) => {
      this._running.delete(id);
      if (this._current === task) this._current = null;
      this.#result(id, status, value);
    };
    const fail = (error) => {
      if (error instanceof WebAssembly.RuntimeError) return this.#trap(id, error, task.fn);
      finish(STATUS_ERROR, inline ? explainClosure(error) : error);
    };
    const invoke = (f, t0) => {
      task.fn = f;
      const decoded = decode(args);
      this._current = task;
      const value = flags & FLAG_CHUNK ? runChunk(f, decoded[0], decoded[1], inline) : f(...decoded);
      // An async task counts until it settles: a task awaiting a minute holds its worker as long.
      if (isThenable(value)) {
        return Promise.resolve(value).then((v) => {
          this._busy += performance.now() - t0;
          finish(STATUS_OK, v);
        }, fail);
      }
      finish(STATUS_OK, value);
      return null;
    };
    try {
      const f = this.#lookup(fn);
      if (!(f instanceof Promise)) return invoke(f, start);
      // A Rust task's first call waits for the instance: timed from when it has it.
      return f
        .then((g) => {
          const t0 = performance.now();
          const pending = invoke(g, t0);
          if (pending === null) this._busy += performance.now() - t0;
          return pending;
        })
        .catch(fail);
    } catch (error) {
      fail(error);
      return null;
    }
  }

  // A function, or a promise of one (a Rust task: its instance loads first).
  #lookup(id) {
    let fn = this._fns.get(id);
    if (!Array.isArray(fn)) return fn;
    const [text, named] = fn;
    fn = named ? (this._named.get(text) ?? this._rust(text)) : compile(text);
    this._fns.set(id, fn);
    if (fn instanceof Promise)
      fn.then(
        (f) => this._fns.set(id, f),
        () => this._fns.set(id, [text, named]),
      );
    return fn;
  }

  // Rust code trapped: its instance is unusable. Report the panic, then stop:
  // the page replaces this worker and sends the tasks it held elsewhere.
  #trap(id, error, fn) {
    this._trapped = true;
    this.#result(id, STATUS_PANIC, fn?.panic ? fn.panic(error) : error.message);
    this.#flush();
    self.postMessage({ type: MSG.PANICKED });
  }

  #result(id, status, value) {
    if (this._closed) return; // the page settles it as crashed
    const { bytes, sendable } = this._encoder.encodeResult(value);
    if (!sendable) status = STATUS_ERROR;
    const end = this._outLen + bytes.length;
    if (end > this._out.length) {
      const grown = new Uint8Array(Math.max(end, 2 * this._out.length));
      grown.set(this._out.subarray(0, this._outLen));
      this._out = grown;
    }
    this._out.set(bytes, this._outLen);
    this._outLen = end;
    this._results.push(id, status, end);
    if (!this._pumping && !this._flushQueued) {
      // An async task finished outside the pump: its neighbours in this turn go along.
      this._flushQueued = true;
      queueMicrotask(() => {
        this._flushQueued = false;
        this.#flush();
      });
    }
  }

  #flush(now = performance.now()) {
    this._lastFlush = now;
    if (this._closed) return;
    const results = this._results;
    if (results.length === 0 && this._progress.length === 0) return;
    /** @type {import('../../common/messages.js').DoneBatch} */
    const message = [MSG.DONE, this._busy, this._progress.length ? this._progress : null, null, results.length / 3];
    for (const word of results) message.push(word);
    const len = this._outLen;
    if (len > INLINE_BYTES_MAX) message[3] = this._out.slice(0, len);
    else for (let i = 0; i < len; i++) message.push(this._out[i]);
    if (len >= TRANSFER_BYTES) self.postMessage(message, [message[3].buffer]);
    else self.postMessage(message);
    this._outLen = 0;
    this._results = [];
    this._progress = [];
    this._busy = 0;
  }
}

// What the page sees as a NotIsolatedError (a task's error crosses by name:
// common/codec). Not that class: errors.js would put 1.3 KB more into every
// worker's script, which each worker parses as it starts (README, Limitations).
function notIsolated() {
  const error = new Error(
    'Rust tasks need WebAssembly threads, and this browser makes no shared WebAssembly.Memory here; ' +
      'JS tasks run. Use a browser with WebAssembly threads for Rust tasks.',
  );
  error.name = 'NotIsolatedError';
  return error;
}
