// Type-checked (tsc --noEmit) in npm test: the public API as a TypeScript user sees it.
import {
  type AsyncResult,
  asCompleted,
  CloneError,
  FIRST_COMPLETED,
  type Future,
  initRayon,
  multiprocessing,
  Pool,
  type TaskContext,
  TaskOptions,
  TimeoutError,
  wait,
} from 'wasmpool';

async function main(): Promise<void> {
  await using pool = new Pool({ workers: 2, initializer: (n: number) => void n, initargs: [1] });
  const f: Future<number> = pool.submit((a: number, b: number) => a + b, 1, 2);
  const n: number = await f;
  const plain = new Pool({ transport: 'message', quiet: true });
  const transport: 'shared' | 'message' = plain.transport;
  void transport;
  await plain.shutdown();
  const s: string = await pool.submit(async (x: string) => x.toUpperCase(), 'a');
  const squares: number[] = await pool.map((x: number) => x * x, [1, 2, 3]);
  for await (const v of pool.map((x: number) => String(x), [1, 2], { chunksize: 1 })) {
    const str: string = v;
    void str;
  }
  // (TypeScript types `for await` elements as awaited, so a Future is typed as
  // its result there; at run time asCompleted yields the futures themselves.)
  const completed = asCompleted([f]);
  for (let step = await completed.next(); !step.done; step = await completed.next()) {
    const fut: Future<number> = step.value;
    const v: number = await fut.result({ timeout: 10 });
    void v;
  }
  await using mp = new multiprocessing.Pool({ processes: 2, maxTasksPerChild: 10 });
  const r: AsyncResult<number> = mp.applyAsync((a: number) => a * 2, [2], { callback: (v: number) => void v });
  const doubled: number = await r.get({ timeout: 100 });
  const mapped: string[] = await mp.map((x: number) => String(x), [1, 2], 1);
  const it = mp.imap((x: number) => x + 1, [1, 2]);
  const step = await it.next({ timeout: 50 });
  void [doubled, mapped, step.done];
  const shared = pool.alloc(Float64Array, 16);
  const first: number = shared[0];
  shared.free();
  const timed: Future<number> = pool.submit((x: number) => x, 1, new TaskOptions({ timeout: 100 }));
  const aborted = pool.submitWith({ signal: new AbortController().signal }, (x: number) => x * 2, 3);
  const off = aborted.onProgress((p) => void p);
  off();
  await initRayon(1);
  void [first, timed];
  const { done, notDone } = await wait([f], { returnWhen: FIRST_COMPLETED });
  void [n, s, squares, done.size, notDone.size, f.cancel(), f.running(), new TimeoutError(), CloneError];
  const sums: number[] = await pool.starmap((a: number, b: number) => a + b, [
    [1, 2],
    [3, 4],
  ] as [number, number][]);
  const joined: string[] = await mp.starmap((a: string, n: number) => a.repeat(n), [['x', 2]] as [string, number][]);
  for await (const v of pool.imapUnordered(async (x: number) => x * 2, [1, 2])) {
    const doubledValue: number = v;
    void doubledValue;
  }
  void [sums, joined];
  // Inside a task, self.wasmpool is the worker's TaskContext.
  // biome-ignore lint/style/noNonNullAssertion: what a TypeScript user writes; the type says "undefined outside a task".
  const where: number = await pool.submit(() => self.wasmpool!.workerIndex);
  const ctx: TaskContext | undefined = globalThis.wasmpool;
  void [where, ctx];
  // @ts-expect-error: starmap items must match the task function's parameters
  pool.starmap((a: number, b: number) => a + b, [['1', 2]] as [string, number][]);
  // @ts-expect-error: a task's result type is checked where it is used
  const wrong: string = await pool.submit((a: number) => a, 1);
  void wrong;
  // @ts-expect-error: arguments must match the task function's parameters
  pool.submit((a: number) => a, 'not a number');
}
void main;
