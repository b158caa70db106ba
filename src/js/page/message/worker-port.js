// One worker of the message transport, seen from the page: start it, hear
// its batches, notice when it dies. It owns nothing but its Web Worker and
// the tasks the page handed it (in order), so killing it is just terminate().

import { MSG } from '../../common/messages.js';
import { BrokenPoolError } from '../../errors.js';
import { newWorkerName, whenWorkerGone } from '../life-lock.js';

// How long the page waits, after a worker's lock says it died, for what the
// worker posted before it died.
const DEATH_SETTLE_MS = 20;

export class WorkerPort {
  /** Tasks handed to this worker and not yet answered, by id, in the order sent. */
  inflight = new Map();
  /** Code ids this worker has received the text of. */
  codes = new Set();
  /** Ids of tasks it runs that the page asked to stop: it is sent nothing until they end. */
  aborting = new Set();
  /** Tasks it holds that were stopped (MessageTask.stoppedAt), until it answers for them. */
  stopped = new Set();
  /** performance.now() when it last posted to the page. */
  heardAt = 0;
  /** Tasks left before maxTasksPerChild retires it. */
  quota;
  /** True once it runs no more tasks (retired, killed or dead). */
  gone = false;
  uid;
  index;
  worker;
  /**
   * Resolves to its READY message when it has started (null if it was
   * stopped first), rejects with BrokenPoolError if it could not.
   */
  ready;
  #markReady;
  /** True once it has started (tasks may be sent). */
  started = false;
  #events;

  /**
   * @param {(name: string) => Worker} spawnWorker
   * @param {object} init the MessageInitMessage fields common to every worker (common/messages.js)
   * @param {object} events `{ onDone(port, batch), onPanicked(port), onClosing(port, running), onDied(port) }`
   */
  constructor(spawnWorker, init, index, quota, events) {
    this.index = index;
    this.quota = quota;
    this.#events = events;
    const { uid, name } = newWorkerName();
    this.uid = uid;
    this.worker = spawnWorker(name);
    this.ready = new Promise((resolve, reject) => {
      this.#markReady = resolve;
      this.worker.onmessage = ({ data }) => {
        this.heardAt = performance.now();
        if (Array.isArray(data))
          events.onDone(this, data); // a DoneBatch
        else if (data.type === MSG.READY) {
          this.started = true;
          this.#watchForDeath(name);
          resolve(data);
        } else if (data.type === MSG.ERROR) reject(new BrokenPoolError(`a worker failed to start: ${data.message}`));
        else if (data.type === MSG.PANICKED) events.onPanicked(this);
        else if (data.type === MSG.CLOSING) events.onClosing(this, data.running);
      };
      this.worker.onerror = (event) => {
        event.preventDefault?.();
        const message = event.message || 'the worker script failed to load';
        if (this.started) console.error(`wasmpool: uncaught error in worker ${this.uid}: ${message}`);
        else reject(new BrokenPoolError(`a worker failed to start: ${message}`));
      };
    });
    this.worker.postMessage({ ...init, index, uid });
  }

  post(message, transfer) {
    // No transfer list unless there is something to transfer: converting
    // even an empty one is work on every message.
    if (transfer) this.worker.postMessage(message, transfer);
    else this.worker.postMessage(message);
  }

  // Its life lock (life-lock.js) notices a worker that dies by itself (a
  // crash, self.close()). Requested once it started: it holds the lock by then.
  #watchForDeath(name) {
    whenWorkerGone(name, () => {
      // What it posted before it died (CLOSING, its last results) may still
      // be on its way: the lock can be released first (Firefox).
      setTimeout(() => {
        if (!this.gone) this.#events.onDied(this);
      }, DEATH_SETTLE_MS);
    });
  }

  stop() {
    this.gone = true;
    this.worker.terminate();
    this.#markReady(null); // pool.ready waits for it no longer
  }
}
