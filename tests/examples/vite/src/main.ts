import { asCompleted, type Future, Pool, ShutdownError } from 'wasmpool';

interface SmokeResult {
  crossOriginIsolated: boolean;
  transport?: string;
  submit?: number;
  map?: number[];
  completionOrder?: number[];
  settleOrder?: number[];
  shutdown?: boolean;
  afterShutdown?: { name: string; isShutdownError: boolean };
  error?: string;
  tasks?: { submit?: number; map?: number[]; where?: string; error?: string };
}

async function smoke(): Promise<SmokeResult> {
  const result: SmokeResult = { crossOriginIsolated: globalThis.crossOriginIsolated };
  let pool: Pool | undefined;
  try {
    pool = new Pool({ workers: 2 });
    result.transport = pool.transport;
    await pool.ready;
    result.submit = await pool.submit((a: number, b: number) => a + b, 2, 3);
    result.map = await pool.map((x: number) => x * x, [1, 2, 3, 4]);

    // Tasks run in a worker: they cannot use page variables, so the sleep is inline.
    const sleepThen = async (ms: number, id: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return id;
    };
    const delays = [300, 20, 150];
    const active = pool; // (a const: closures keep its narrowed type)
    const futures: Future<number>[] = delays.map((ms, id) => active.submit(sleepThen, ms, id));
    const settleOrder: number[] = [];
    result.settleOrder = settleOrder;
    for (const [id, f] of futures.entries()) f.then(() => settleOrder.push(id));
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
      result.afterShutdown = { name: (e as Error).name, isShutdownError: e instanceof ShutdownError };
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
async function taskModule(): Promise<NonNullable<SmokeResult['tasks']>> {
  const tasks: NonNullable<SmokeResult['tasks']> = {};
  let pool: Pool | undefined;
  try {
    pool = new Pool({ workers: 2, module: new URL('./tasks.js', import.meta.url) });
    await pool.ready;
    tasks.submit = await pool.submit<number>('triple', 7);
    tasks.map = await pool.map<number>('triple', [1, 2, 3]);
    tasks.where = await pool.submit<string>('whereAmI');
    await pool.shutdown();
  } catch (e) {
    tasks.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    await pool?.terminate().catch(() => {});
  }
  return tasks;
}

smoke().then((result) => {
  (window as unknown as { __result: unknown }).__result = result;
  const shown = document.getElementById('result');
  if (shown) shown.textContent = JSON.stringify(result, null, 2);
});
