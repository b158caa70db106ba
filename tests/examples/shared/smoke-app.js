import { asCompleted, Pool, ShutdownError } from 'wasmpool';

async function smoke() {
  const result = { crossOriginIsolated: globalThis.crossOriginIsolated };
  let pool;
  try {
    pool = new Pool({ workers: 2 });
    result.transport = pool.transport;
    await pool.ready;
    result.submit = await pool.submit((a, b) => a + b, 2, 3);
    result.map = await pool.map((x) => x * x, [1, 2, 3, 4]);

    // Tasks run in a worker: they cannot use page variables, so the sleep is inline.
    const sleepThen = async (ms, id) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return id;
    };
    const delays = [300, 20, 150];
    const futures = delays.map((ms, id) => pool.submit(sleepThen, ms, id));
    result.settleOrder = [];
    for (const [id, f] of futures.entries()) f.then(() => result.settleOrder.push(id));
    result.completionOrder = [];
    for await (const future of asCompleted(futures, { timeout: 10_000 })) {
      result.completionOrder.push(await future);
    }
    await pool.shutdown();
    result.shutdown = true;
    // wasmpool's own errors keep their class and name through a minifier.
    try {
      pool.submit(() => 0);
    } catch (e) {
      result.afterShutdown = { name: e.name, isShutdownError: e instanceof ShutdownError };
    }
  } catch (e) {
    result.error = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e);
    await pool?.terminate().catch(() => {});
  }
  result.tasks = await taskModule();
  return result;
}

// A task module: a second pool whose workers import ./tasks.js (the bundler
// emits the file and rewrites the URL); tasks are then called by export name.
async function taskModule() {
  const tasks = {};
  let pool;
  try {
    pool = new Pool({ workers: 2, module: new URL('./tasks.js', import.meta.url) });
    await pool.ready;
    tasks.submit = await pool.submit('triple', 7);
    tasks.map = await pool.map('triple', [1, 2, 3]);
    tasks.where = await pool.submit('whereAmI');
    await pool.shutdown();
  } catch (e) {
    tasks.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    await pool?.terminate().catch(() => {});
  }
  return tasks;
}

smoke().then((result) => {
  window.__result = result;
  document.getElementById('result').textContent = JSON.stringify(result, null, 2);
});
