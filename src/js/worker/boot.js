// A pool worker's life: one module Web Worker = one pool thread. Its first
// message says which transport it serves: the shared one (memory/serve.js:
// tasks claimed from the Rust core in the pool's shared memory) or the
// message one (message/serve.js: tasks and results in batched messages). Both
// run their tasks through one core (task-core.js).
//
// Two entries use it: worker.js (the npm package's worker, bundled with the
// package's wasm-bindgen glue) and embedded.js (a Rust crate's pool, which
// imports that crate's glue by URL).

import { MSG } from '../common/messages.js';
import { SharedRefs } from '../common/refs.js';
import { serveMemory } from './memory/serve.js';
import { serveMessages } from './message/serve.js';

/**
 * Serves as a pool thread: waits for the page's InitMessage, gets the
 * wasm-bindgen glue with `loadGlue(init)`, then runs tasks until told to exit.
 * `onInstance(glue)`: runs once a message-transport worker has instantiated
 * an instance of its own (a crate registers its Rust tasks there).
 * @param {(init: any) => any} loadGlue
 * @param {{ onInstance?: (glue: any) => void }} [options]
 */
export function serveWorker(loadGlue, { onInstance } = {}) {
  // Requested now, while the InitMessage is on its way (page/life-lock.js).
  const lifeLock = holdLifeLock(self.name);
  self.onmessage = (event) => {
    const init = event.data;
    if (init?.type === MSG.PROBE) {
      self.postMessage({ type: MSG.PROBE });
      return;
    }
    if (init.transport === 'message') {
      serveMessages(init, loadGlue, lifeLock, onInstance).catch(reportStartFailure);
      return;
    }
    // Shared buffers the page registers from now on arrive as messages, in
    // order after this one; take them from the first moment (a message that
    // finds no handler is lost, and a task naming its buffer would fail).
    const refs = new SharedRefs(init.memory);
    for (const [id, buffer] of init.sharedBuffers || []) refs.add(id, buffer);
    self.onmessage = ({ data }) => {
      if (data?.type === MSG.SHARED_BUFFER) refs.add(data.id, data.buffer);
    };
    Promise.resolve(init)
      .then(loadGlue)
      .then((glue) => serveMemory(init, glue, refs, lifeLock))
      .catch(reportStartFailure);
  };
}

// Only start-up failures land here; task errors are results.
/** @param {any} error */
function reportStartFailure(error) {
  const message = String(error?.message || error);
  self.postMessage({ type: MSG.ERROR, message, stack: error?.stack, threadStart: error?.threadStart === true });
}

// Holds the Web Lock named as this worker for life: the page's request for
// it is granted only when this worker is gone (page/life-lock.js). Resolves
// once held (at once without a name or Web Locks: Node.js).
/** @param {string} lockName */
async function holdLifeLock(lockName) {
  if (!lockName || !self.navigator?.locks) return;
  /** @type {Promise<void>} */
  const held = new Promise((resolve) => {
    navigator.locks.request(lockName, () => {
      resolve();
      return new Promise(() => {});
    });
  });
  await held;
}
