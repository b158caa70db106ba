// Letting the worker's event loop run: messages (shared buffers, aborts, new
// batches), timers and handlers a task left.

const channel = new MessageChannel();
/** @type {Array<() => void>} */
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();

/**
 * Resolves after one macrotask turn (setTimeout(0) would be clamped to 4 ms when nested).
 * @returns {Promise<void>}
 */
export function yieldToEventLoop() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}
