// One worker of the message transport, seen from the page: start it, hear
// its batches, notice when it dies. It owns nothing but its Web Worker and
// the tasks the page handed it (in order), so killing it is just terminate().

import { MSG } from '../../common/messages.js';
import { BrokenPoolError } from '../../errors.js';
import { newWorkerName, whenWorkerGone } from '../life-lock.js';

/** @typedef {import('./transport.js').MessageTask} MessageTask */
/** @typedef {import('../../common/messages.js').DoneBatch} DoneBatch */

/**
 * A worker's READY: with its Rust task names, or why it has none, if its
 * InitMessage asked (`rustTasks`).
 * @typedef {{ type: 'ready', rustTasks?: string[], rustError?: { name?: string, message: string } }} ReadyMessage
 */

/**
 * What a worker of the message transport posts to the page besides its
 * DoneBatches (MSG).
 * @typedef {ReadyMessage
 *   | { type: 'error', message: string }
 *   | { type: 'panicked' }
 *   | { type: 'closing', running: number[] }} PortMessage
 */

/**
 * What a WorkerPort reports to its transport.
 * @typedef {object} PortEvents
 * @property {(port: WorkerPort, batch: DoneBatch) => void} onDone results
 * @property {(port: WorkerPort) => void} onPanicked Rust code trapped: it runs none of the tasks it holds
 * @property {(port: WorkerPort, running: number[]) => void} onClosing a task closed it; `running`: their ids
 * @property {(port: WorkerPort) => void} onDied
 */

// How long the page waits, after a worker's lock says it died, for what the
// worker posted before it died.
const DEATH_SETTLE_MS = 20;

export class WorkerPort {
  /** @type {Map<number, MessageTask>} tasks handed to this worker and not yet answered, by id, in the order sent */
  inflight = new Map();
  /** @type {Set<number>} code ids this worker has received the text of */
  codes = new Set();
  /** @type {Set<number>} ids of tasks it runs that the page asked to stop: it is sent nothing until they end */
  aborting = new Set();
  /** @type {Set<MessageTask>} tasks it holds that were stopped (MessageTask.stoppedAt), until it answers for them */
  stopped = new Set();
  /** performance.now() when it last posted to the page. */
  heardAt = 0;
  /** @type {number} tasks left before maxTasksPerChild retires it */
  quota;
  /** True once it runs no more tasks (retired, killed or dead). */
  gone = false;
  /** @type {number} */
  uid;
  /** @type {number} */
  index;
  /** @type {Worker} */
  worker;
  /**
   * Resolves to its READY message when it has started (null if it was
   * stopped first), rejects with BrokenPoolError if it could not.
   * @type {Promise<ReadyMessage | null>}
   */
  ready;
  /** @type {(ready: ReadyMessage | null) => void} */
  #markReady;
  /** True once it has started (tasks may be sent). */
  started = false;
  /** @type {PortEvents} */
  #events;

  /**
   * @param {(name: string) => Worker} spawnWorker
   * @param {Omit<import('../../common/messages.js').MessageInitMessage, 'index' | 'uid'>} init the
   *   MessageInitMessage fields common to every worker
   * @param {number} index
   * @param {number} quota tasks before maxTasksPerChild retires it (Infinity: no limit)
   * @param {PortEvents} events
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
      this.worker.onmessage = (/** @type {MessageEvent<DoneBatch | PortMessage>} */ { data }) => {
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

  /**
   * @param {unknown} message
   * @param {Transferable[]} [transfer]
   */
  post(message, transfer) {
    // No transfer list unless there is something to transfer: converting
    // even an empty one is work on every message.
    if (transfer) this.worker.postMessage(message, transfer);
    else this.worker.postMessage(message);
  }

  // Its life lock (life-lock.js) notices a worker that dies by itself (a
  // crash, self.close()). Requested once it started: it holds the lock by then.
  /** @param {string} name */
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
