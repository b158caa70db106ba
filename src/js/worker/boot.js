// A pool worker's life: one module Web Worker = one pool thread. (On the
// message transport it serves message/batch-loop.js instead, from its first message.)
//
// It instantiates the page's compiled module on the page's shared memory,
// imports the task modules, runs the initializer, then claims and runs tasks
// (memory/claim-loop.js) until told to leave. No message crosses per task; postMessage
// carries only start-up, exit and rare events (common/messages.js).
//
// Two entries use it: worker.js (the npm package's worker, bundled with the
// package's wasm-bindgen glue) and embedded.js (a Rust crate's pool, which
// imports that crate's glue by URL).

import { CoreView } from '../common/layout.js';
import { MSG } from '../common/messages.js';
import { SharedRefs } from '../common/refs.js';
import { TaskContext } from './context.js';
import { compile, importTaskModules, TaskFunctions } from './functions.js';
import { claimLoop, LoopEnd } from './memory/claim-loop.js';
import { isThenable, TaskRunner } from './memory/slot-io.js';
import { serveMessages } from './message/batch-loop.js';

/**
 * Serves as a pool thread: waits for the page's InitMessage, gets the
 * wasm-bindgen glue with `loadGlue(init)`, then runs tasks until told to exit.
 * `onInstance(glue)`: runs once a message-transport worker has instantiated
 * an instance of its own (a crate registers its Rust tasks there).
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
      serveMessages(init, loadGlue, { lifeLock, runInitializer, yieldToEventLoop, onInstance }).catch(
        reportStartFailure,
      );
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
      .then((glue) => serve(init, glue, refs, lifeLock))
      .catch(reportStartFailure);
  };
}

// Only start-up failures land here; task errors are results.
function reportStartFailure(error) {
  const message = String(error?.message || error);
  self.postMessage({ type: MSG.ERROR, message, stack: error?.stack, threadStart: error?.threadStart === true });
}

/** @param {import('../common/messages.js').InitMessage} init */
async function serve(init, glue, refs, lifeLock) {
  const { memory, pool, poolAddress, index } = init;
  const wasm = startWasmThread(glue, init);
  // The thread start is recorded (which ends the page's kill wait, core
  // invariant 4) only once the life lock is held, so a killed worker's lock
  // is always requested after the worker's own request was granted (core
  // invariant 10).
  await lifeLock;
  glue.wp_worker_start(pool, index, wasm.__tls_base.value, wasm.__stack_alloc.value);

  // Task modules are imported before the first task (Python's "importable").
  const functions = new TaskFunctions(await importTaskModules(init.modules), glue);
  const view = new CoreView(memory, init.slotsPtr);
  const context = new TaskContext(view);
  context.install(init.uid, index);
  if (init.initializer) await runInitializer(init, functions);

  const env = { wasm, memory, pool, index, view, refs, functions, context, yieldToEventLoop };
  const runner = new TaskRunner({ ...env, inlineBase: init.inlineBase, fallbackWake: init.fallbackWake });
  self.postMessage({ type: MSG.READY, scriptUrl: self.location?.href });

  const end = await claimLoop({
    ...env,
    runner,
    poolAddress,
    concurrency: init.concurrency || 1,
    maxTasks: init.maxTasksPerChild || Infinity,
  });
  // Parked: the page terminates this worker (killed, or replacing a trapped one).
  if (end === LoopEnd.PARK) return new Promise(() => {});
  // No wasm runs after this: the page frees this thread's stack and TLS.
  glue.wp_worker_exit(pool, index);
  self.postMessage({ type: MSG.EXITED, retired: end === LoopEnd.RETIRED });
  self.close();
}

// Instantiates the module on the shared memory, which runs wasm-bindgen's
// thread start. A trap there (a RuntimeError, not a module that fails to
// instantiate) is reported as such: the page then starts no more threads
// (runtime.js markThreadStartTrapped).
function startWasmThread(glue, init) {
  try {
    return glue.initSync({ module: init.module, memory: init.memory, thread_stack_size: init.stackSize });
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) error.threadStart = true;
    throw error;
  }
}

// Holds the Web Lock named as this worker for life: the page's request for
// it is granted only when this worker is gone (page/life-lock.js). Resolves
// once held (at once without a name or Web Locks: Node.js).
async function holdLifeLock(lockName) {
  if (!lockName || !self.navigator?.locks) return;
  await new Promise((held) => {
    navigator.locks.request(lockName, () => {
      held();
      return new Promise(() => {});
    });
  });
}

async function runInitializer({ initializer, initargs }, functions) {
  const fn = initializer.named ? functions.byName(initializer.code) : compile(initializer.code);
  if (typeof fn !== 'function') throw new Error(`initializer: no task named "${initializer.code}"`);
  try {
    const r = fn(...initargs);
    if (isThenable(r)) await r;
  } catch (error) {
    const name = error?.name ? `${error.name}: ` : '';
    throw new Error(`the initializer failed: ${name}${error?.message || error}`);
  }
}

// A macrotask turn (setTimeout(0) would be clamped to 4 ms when nested).
const yieldChannel = new MessageChannel();
const yieldQueue = [];
yieldChannel.port1.onmessage = () => yieldQueue.shift()?.();
function yieldToEventLoop() {
  return new Promise((resolve) => {
    yieldQueue.push(resolve);
    yieldChannel.port2.postMessage(0);
  });
}
