// Inside a worker_threads worker: the Web Worker scope that the package's
// worker bundle (pkg/worker.js) and tasks use: `self`, `self.onmessage`,
// message listeners, `self.postMessage`, `self.close()`. Like a Web Worker,
// an uncaught error in a stray callback is reported to the page and does not
// end the worker (Node.js would end it); an unhandled rejection is logged.

import { parentPort } from 'node:worker_threads';

/** worker → page: an uncaught error, `{ type, message }` (node-worker.js makes it an error event). */
export const UNCAUGHT = 'wasmpool-node-uncaught';

/** Installs the scope on this worker's globalThis (worker.js, before pkg/worker.js runs). */
export function installWorkerScope() {
  const target = new EventTarget();
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
        target.addEventListener('message', (event) => onmessage?.call(globalThis, event));
      }
    },
  });
  globalThis.addEventListener = target.addEventListener.bind(target);
  globalThis.removeEventListener = target.removeEventListener.bind(target);
  globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
  // Ends the thread now (a Web Worker finishes the current task first); the
  // messages posted before it are still delivered, then 'exit'.
  globalThis.close = () => process.exit(0);
  // The port's listener keeps the thread alive until close() or terminate(),
  // as a Web Worker lives (idle workers wait in Atomics.waitAsync, which
  // alone would let the thread end).
  parentPort.on('message', (data) => target.dispatchEvent(new MessageEvent('message', { data })));
  process.on('uncaughtException', (error) => {
    parentPort.postMessage({ type: UNCAUGHT, message: String(error?.message ?? error) });
  });
  process.on('unhandledRejection', (reason) => {
    console.error('wasmpool: unhandled rejection in a worker:', reason);
  });
}
