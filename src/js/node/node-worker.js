// A worker_threads Worker with the face of a Web Worker, as the page side
// uses one (page/memory/worker-handle.js, the rayon helper): onmessage/onerror,
// message and error listeners, postMessage, terminate; plus onexit, which a
// Web Worker does not have: Node.js reports a worker's end ('exit'), which
// is how a worker that dies is noticed here (browsers: a Web Lock).

import { Worker } from 'node:worker_threads';
import { UNCAUGHT } from './worker-scope.js';

export class NodeWorker extends EventTarget {
  /** @type {((event: MessageEvent) => void) | null} */
  onmessage = null;
  /** @type {((event: Event & { message: string }) => void) | null} */
  onerror = null;
  /** @type {((code: number) => void) | null} */
  onexit = null;
  /**
   * Resolves once the thread has ended (its 'exit' event).
   *
   * @type {Promise<number>}
   */
  closed;
  /** @type {Worker} */
  #worker;

  /**
   * @param {URL | string} url the worker_threads entry
   * @param {string} name
   */
  constructor(url, name) {
    super();
    this.#worker = new Worker(url, { name, execArgv: workerExecArgv() });
    this.#worker.on('message', (data) => {
      if (data?.type === UNCAUGHT) {
        this.#error(data.message);
        return;
      }
      const event = new MessageEvent('message', { data });
      this.onmessage?.(event);
      this.dispatchEvent(event);
    });
    // Only start-up failures: worker-scope.js reports later uncaught errors as UNCAUGHT.
    this.#worker.on('error', (error) => this.#error(error?.message || String(error)));
    this.closed = new Promise((resolve) => this.#worker.once('exit', resolve));
    this.#worker.on('exit', (code) => this.onexit?.(code));
    // The pool decides how long the process lives (node/runtime.js). After
    // the listeners: adding a 'message' listener refs the worker's port again.
    this.#worker.unref();
  }

  /** @param {string} message */
  #error(message) {
    const event = Object.assign(new Event('error', { cancelable: true }), { message });
    this.onerror?.(event);
    this.dispatchEvent(event);
  }

  /**
   * @param {unknown} message
   * @param {readonly import('node:worker_threads').TransferListItem[]} [transfer]
   */
  postMessage(message, transfer) {
    this.#worker.postMessage(message, transfer);
  }

  terminate() {
    this.#worker.terminate();
  }
}

// A worker inherits the process's flags by default (V8 flags included, which
// an explicit list may not name), but refuses --input-type: `node
// --input-type=module -e ...` would fail every worker. Only then is the list
// given, without it.
/** @returns {string[] | undefined} */
function workerExecArgv() {
  /** @param {string} arg */
  const refused = (arg) => arg.startsWith('--input-type');
  return process.execArgv.some(refused) ? process.execArgv.filter((arg) => !refused(arg)) : undefined;
}
