// A pool worker on the message transport: it imports the task modules, runs
// the initializer, then runs the tasks of RUN batches (batch-loop.js) until
// the page terminates it. It has no shared memory: it imports the glue's wasm
// into an instance of its own the first time it runs a Rust task.

import { fetchWasm } from '../../common/fetch-wasm.js';
import { MSG } from '../../common/messages.js';
import { installContext } from '../context.js';
import { importTaskModules, panicMessage, runInitializer, TaskFunctions } from '../functions.js';
import { BatchLoop } from './batch-loop.js';

/**
 * Serves the message transport.
 * @param {import('../../common/messages.js').MessageInitMessage} init
 * @param {(init: any) => any} loadGlue gives the wasm-bindgen glue
 * @param {Promise<void>} lifeLock resolves once this worker holds its life lock (boot.js)
 * @param {((glue: any) => void) | undefined} onInstance runs once the worker's own instance is made
 */
export async function serveMessages(init, loadGlue, lifeLock, onInstance) {
  /** @type {unknown[]} */
  const inbox = [];
  /** @type {BatchLoop | null} */
  let loop = null;
  // Messages arrive from the start; the first batch comes once READY is posted.
  /** @param {any} data */
  const handle = (data) => {
    if (data[0] === MSG.RUN) loop?.receive(data);
    else if (data[0] === MSG.ABORT) loop?.abort(data[1]);
  };
  self.onmessage = ({ data }) => (loop === null ? inbox.push(data) : handle(data));
  await lifeLock;
  const named = await importTaskModules(init.modules);
  // This worker's own wasm instance (on its own memory), loaded once.
  /** @typedef {{ glue: any, wasm: any, panicBuffer: number }} OwnInstance */
  /** @type {OwnInstance | null} */
  let made = null;
  /** @type {Promise<OwnInstance> | null} */
  let loading = null;
  const loadInstance = () => {
    loading ??= (async () => {
      try {
        new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      } catch {
        throw notIsolated();
      }
      const glue = await loadGlue(init);
      const module = await fetchWasm(/** @type {string} */ (init.wasmUrl));
      const wasm = glue.initSync({ module }); // a memory of its own
      onInstance?.(glue);
      made = { glue, wasm, panicBuffer: wasm.wp_panic_buffer() };
      return made;
    })();
    return loading;
  };
  // One worker tells the page the Rust task names, for its call-site check.
  /** @type {{ type: string, scriptUrl?: string, rustTasks?: string[], rustError?: { name: string, message: string } }} */
  const ready = { type: MSG.READY, scriptUrl: self.location?.href };
  if (init.rustTasks) {
    try {
      ready.rustTasks = (await loadInstance()).glue.wp_task_names().split('\n');
    } catch (error) {
      const e = /** @type {any} */ (error);
      ready.rustError = { name: e?.name, message: String(e?.message || e) };
    }
  }
  // No glue yet: a task naming a Rust task loads the instance (the initializer never does).
  const functions = new TaskFunctions(named, null, () => loadInstance().then(({ glue }) => glue));
  // Asked only when a Rust task trapped, so its instance was made.
  /** @param {Error} error */
  const panic = (error) => {
    const { wasm, panicBuffer } = /** @type {OwnInstance} */ (made);
    return panicMessage(wasm.memory, panicBuffer, error);
  };
  const run = new BatchLoop(functions, init.concurrency || 1, panic);
  installContext(run.core, init.uid, init.index);
  // A task that closes its worker: the page hears which tasks die with it
  // before the worker goes, so the others it holds run elsewhere.
  const close = self.close.bind(self);
  self.close = () => {
    run.closing();
    close();
  };
  if (init.initializer) await runInitializer(init.initializer, init.initargs, functions);
  loop = run;
  self.postMessage(ready);
  for (const data of inbox) handle(data);
}

// What the page sees as a NotIsolatedError (a task's error crosses by name:
// common/codec). Not that class: errors.js would grow every worker's script,
// which each worker parses as it starts (bench/NOTES.md, "Worker script").
function notIsolated() {
  const error = new Error(
    'Rust tasks need WebAssembly threads, and this browser makes no shared WebAssembly.Memory here; ' +
      'JS tasks run. Use a browser with WebAssembly threads for Rust tasks.',
  );
  error.name = 'NotIsolatedError';
  return error;
}
