// Inside a worker_threads worker: the Web Worker scope that the package's
// worker bundle (pkg/worker.js) and tasks use: `self`, `self.onmessage`,
// message listeners, `self.postMessage`, `self.close()`. Like a Web Worker,
// an uncaught error in a stray callback is reported to the page and does not
// end the worker (Node.js would end it); an unhandled rejection is logged.

import { parentPort } from 'node:worker_threads';

/** @typedef {import('node:worker_threads').MessagePort} Port a worker thread's parentPort (never null) */

/** worker → page: an uncaught error, `{ type, message }` (node-worker.js makes it an error event). */
export const UNCAUGHT = 'wasmpool-node-uncaught';

/** Installs the scope on this worker's globalThis (worker.js, before pkg/worker.js runs). */
export function installWorkerScope() {
  const target = new EventTarget();
  /** @type {((this: typeof globalThis, event: MessageEvent) => void) | null} */
  let onmessage = null;
  let handlerAdded = false;
  Object.defineProperty(globalThis, 'self', { value: globalThis, writable: true, configurable: true });
  Object.defineProperty(globalThis, 'onmessage', {
    configurable: true,
    get: () => onmessage,
    set(handler) {
      onmessage = handler;
      // As in a browser, the handler takes its turn among the listeners
      // from the first time it is set (pkg/worker.js relies on it).
      if (!handlerAdded) {
        handlerAdded = true;
        // Only the port's MessageEvents are dispatched on `target`.
        target.addEventListener('message', (event) => onmessage?.call(globalThis, /** @type {MessageEvent} */ (event)));
      }
    },
  });
  globalThis.addEventListener = target.addEventListener.bind(target);
  globalThis.removeEventListener = target.removeEventListener.bind(target);
  /**
   * The transfer-list form only, which pkg/worker.js and tasks use.
   *
   * @param {unknown} message
   * @param {any} [transfer] Web Transferables (typed apart from Node.js's own)
   */
  globalThis.postMessage = (message, transfer) => /** @type {Port} */ (parentPort).postMessage(message, transfer);
  // Ends the thread now (a Web Worker finishes the current task first); the
  // messages posted before it are still delivered, then 'exit'.
  globalThis.close = () => process.exit(0);
  // The port's listener keeps the thread alive until close() or terminate(),
  // as a Web Worker lives (idle workers wait in Atomics.waitAsync, which
  // alone would let the thread end).
  /** @type {Port} */ (parentPort).on('message', (data) => target.dispatchEvent(new MessageEvent('message', { data })));
  process.on('uncaughtException', (error) => {
    /** @type {Port} */ (parentPort).postMessage({ type: UNCAUGHT, message: String(error?.message ?? error) });
  });
  process.on('unhandledRejection', (reason) => {
    console.error('wasmpool: unhandled rejection in a worker:', reason);
  });
}
