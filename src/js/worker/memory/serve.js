// A pool worker on the shared transport: it instantiates the page's compiled
// module on the page's shared memory, imports the task modules, runs the
// initializer, then claims and runs tasks (claim-loop.js) until told to
// leave. No message crosses per task; postMessage carries only start-up, exit
// and rare events (common/messages.js).

import { CoreView } from '../../common/layout.js';
import { MSG } from '../../common/messages.js';
import { installContext } from '../context.js';
import { importTaskModules, runInitializer, TaskFunctions } from '../functions.js';
import { TaskCore } from '../task-core.js';
import { claimLoop, LoopEnd } from './claim-loop.js';
import { SlotIO } from './slot-io.js';

/**
 * Serves the shared transport until the pool shuts down, the worker retires
 * or the page parks it.
 * @param {import('../../common/messages.js').InitMessage} init
 * @param {any} glue the wasm-bindgen glue
 * @param {import('../../common/refs.js').SharedRefs} refs the shared buffers the page registered
 * @param {Promise<void>} lifeLock resolves once this worker holds its life lock (boot.js)
 */
export async function serveMemory(init, glue, refs, lifeLock) {
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
  const { inlineBase, fallbackWake } = init;
  const io = new SlotIO({ wasm, memory, pool, index, view, refs, functions, inlineBase, fallbackWake });
  const core = new TaskCore(io);
  installContext(core, init.uid, index);
  if (init.initializer) await runInitializer(init.initializer, init.initargs, functions);
  self.postMessage({ type: MSG.READY, scriptUrl: self.location?.href });

  const end = await claimLoop({
    wasm,
    pool,
    poolAddress,
    index,
    view,
    io,
    core,
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
/** @param {any} glue @param {import('../../common/messages.js').InitMessage} init */
function startWasmThread(glue, init) {
  try {
    return glue.initSync({ module: init.module, memory: init.memory, thread_stack_size: init.stackSize });
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) Object.assign(error, { threadStart: true });
    throw error;
  }
}
