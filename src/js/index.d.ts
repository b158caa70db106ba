/// <reference lib="esnext.disposable" />
/**
 * Public types of wasmpool: a worker pool whose threads share one WebAssembly memory, with
 * Python's `concurrent.futures` ({@link Pool}, {@link Future}, {@link asCompleted}, {@link wait})
 * and `multiprocessing.Pool` ({@link MultiprocessingPool}) in the shape JavaScript expects.
 *
 * ```ts
 * import { Pool } from 'wasmpool';
 *
 * await using pool = new Pool({ workers: 4 });
 * const sum = await pool.submit((a, b) => a + b, 1, 2); // 3, computed in a worker
 * const squares = await pool.map((x) => x * x, [1, 2, 3]); // [1, 4, 9]
 * ```
 *
 * Every error wasmpool raises itself is a {@link PoolError}; a value that cannot travel to or
 * from a worker is a {@link CloneError}; a bad argument or option is a `TypeError` or
 * `RangeError` thrown by the call that passed it.
 *
 * @packageDocumentation
 */

export { CloneError, type CloneErrorCode } from './common/codec/index.js';

/**
 * Most workers one pool may have (256): the size of the scheduling core's worker table.
 * {@link PoolOptions.workers} above it is a `RangeError`.
 *
 * @category Pool
 */
export declare const MAX_WORKERS: number;

/**
 * How tasks and results travel between the page and the workers: `'shared'` through the pool's
 * shared wasm memory (cross-origin isolated pages and Node.js), `'message'` in batched
 * `postMessage`s (any page).
 *
 * @category Pool
 */
export type Transport = 'shared' | 'message';

/**
 * Options of `new Pool(options)`. Each is checked by the constructor: a bad value is a
 * `TypeError` or `RangeError` there, saying what is allowed.
 *
 * @category Pool
 */
export interface PoolOptions {
  /**
   * 'auto' (default): 'shared' where the page can share memory with workers
   * (cross-origin isolated; always in Node.js), else 'message'. 'shared': tasks and results in
   * the pool's shared wasm memory (throws NotIsolatedError where it cannot
   * work). 'message': batched postMessages, on any page.
   *
   * Any other value is a `RangeError`; `'shared'` on a page that cannot share memory with
   * workers makes the constructor throw {@link NotIsolatedError}.
   *
   * @defaultValue `'auto'`
   */
  transport?: 'auto' | Transport;
  /**
   * No `console.info` when 'auto' falls back to the message transport.
   *
   * @defaultValue `false`: the page is told once that it runs the message transport
   */
  quiet?: boolean;
  /**
   * Worker threads; default `navigator.hardwareConcurrency` (Node.js: `os.availableParallelism()`).
   * An integer from 1 to MAX_WORKERS.
   *
   * Any other value is a `RangeError`.
   *
   * @defaultValue the number of logical cores (`navigator.hardwareConcurrency`; Node.js:
   * `os.availableParallelism()`), at most {@link MAX_WORKERS}; `4` where the runtime does not say
   */
  workers?: number;
  /**
   * Runs in every worker before its first task (a function or a task-module export name).
   *
   * A function is sent as source, so it must not use variables from the page. One that throws
   * breaks the pool: {@link Pool.ready} and every task reject with {@link BrokenPoolError}.
   * Anything but a function or a string is a `TypeError`.
   *
   * @defaultValue `undefined`: none
   */
  initializer?: ((...args: any[]) => unknown) | string;
  /**
   * Arguments of the initializer.
   *
   * Anything but an array is a `TypeError`.
   *
   * @defaultValue `[]`
   */
  initargs?: unknown[];
  /**
   * Retire and replace a worker after this many tasks.
   *
   * A positive integer; anything else but `undefined` or `null` is a `RangeError`.
   *
   * @defaultValue `undefined`: no limit, a worker runs until the pool shuts down
   */
  maxTasksPerChild?: number;
  /**
   * Tasks waiting to start beyond which submit rejects with QueueFullError.
   *
   * A submit (or a map's chunk) made while this many tasks wait for a worker returns a future
   * that rejects with {@link QueueFullError}; the call itself does not throw. A positive integer;
   * anything else but `undefined` or `null` is a `RangeError`.
   *
   * @defaultValue `undefined`: no limit
   */
  maxQueueSize?: number;
  /**
   * Async tasks one worker keeps in flight at once (default 1).
   *
   * An integer from 1 to 1000; anything else is a `RangeError`. Synchronous tasks gain nothing
   * from more than 1: a worker runs one at a time.
   *
   * @defaultValue `1`
   */
  concurrency?: number;
  /**
   * Bytes the page's shared wasm memory is grown to before the workers start,
   * so that a run allocating less never grows it during the run (a workaround
   * for Safari releases where growing shared memory under running threads broke).
   *
   * The shared transport only (the message transport ignores it). An integer from 0 to 2³²;
   * anything else is a `RangeError`. A size the memory cannot reach breaks the pool:
   * {@link Pool.ready} rejects with {@link BrokenPoolError}.
   *
   * @defaultValue `0`: the memory grows as needed
   */
  reserveMemory?: number;
  /**
   * Task module URL(s) every worker imports before its first task. Node.js: file: or data: URLs,
   * or paths (relative ones against the working directory).
   *
   * Their exports can then be submitted by name (`pool.submit('resize', image)`). On a page a
   * module must be same-origin (or a data: or blob: URL): another origin's is a `TypeError` at
   * the constructor. A module that cannot be loaded breaks the pool: {@link Pool.ready} and every
   * task reject with {@link BrokenPoolError}.
   *
   * @defaultValue `undefined`: none
   */
  module?: string | URL | Array<string | URL>;
  /**
   * Tasks held in shared memory at once (more wait in a page-side backlog). Default 1024.
   *
   * The shared transport only (the message transport ignores it). An integer from 1 to 65536;
   * anything else is a `RangeError`.
   *
   * @defaultValue `1024`
   */
  slots?: number;
  /**
   * Node.js only: keep the process alive while the pool is open, until it is shut down. By
   * default (false) a pool holds the process only while it starts, runs tasks or shuts down,
   * so a script that forgets shutdown() still exits when its work is done (as with piscina).
   *
   * @defaultValue `false`
   */
  keepAlive?: boolean;
}

/**
 * Options of {@link Pool.map}, {@link Pool.imapUnordered} and {@link Pool.starmap}: a plain
 * object as the last argument. A bad value is a `RangeError` at the call.
 *
 * @category Map
 */
export interface MapOptions {
  /**
   * Milliseconds from the call; exceeded → TimeoutError when iteration reaches an unfinished item.
   *
   * Awaiting the whole result rejects with {@link TimeoutError} then. A number ≥ 0 (`Infinity`:
   * none); a negative one is a `RangeError`.
   *
   * @defaultValue `undefined`: none
   */
  timeout?: number;
  /**
   * Items per task. Default ceil(n / (4 × workers)) for sized inputs, 1 for generators/async iterables.
   *
   * Sized inputs are arrays, typed arrays, Sets, Maps and strings (see {@link defaultChunksize}).
   * An integer ≥ 1; anything else is a `RangeError`.
   *
   * @defaultValue `ceil(n / (4 × workers))` for sized inputs, `1` for other iterables
   */
  chunksize?: number;
  /**
   * Chunks in flight for generators/async iterables (default 4 × workers).
   *
   * Sized inputs are submitted at once and ignore it. An integer ≥ 1; anything else is a
   * `RangeError`.
   *
   * @defaultValue `4 × workers`
   */
  buffersize?: number;
}

/**
 * The result of map: await it for the ordered array, or iterate it with for await.
 *
 * `await` gives every result (in input order, or completion order for
 * {@link Pool.imapUnordered}) and rejects with the first item's error, as Python does. `for await`
 * gives each result as soon as it (and, in input order, those before it) is done, and throws an
 * item's error when iteration reaches that item; leaving the loop early cancels the chunks no
 * worker has started. Past {@link MapOptions.timeout}, both fail with {@link TimeoutError}.
 *
 * @category Map
 */
export declare class MapResult<T> implements PromiseLike<T[]>, AsyncIterable<T> {
  private constructor();
  /** Each result as soon as it (and, for ordered maps, every result before it) is done. */
  [Symbol.asyncIterator](): AsyncIterator<T>;
  /** Collects every result; rejects with the first item's error, or {@link TimeoutError}. */
  // biome-ignore lint/suspicious/noThenProperty: awaitable on purpose (`await pool.map(...)`).
  then<R1 = T[], R2 = never>(
    onFulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
  /** As `Promise.prototype.catch` on the collected results. */
  catch<R = never>(onRejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T[] | R>;
  /** As `Promise.prototype.finally` on the collected results. */
  finally(onFinally?: (() => void) | null): Promise<T[]>;
}

/** An input of map: any iterable or async iterable (generators and endless ones are read lazily). */
type Input<T> = Iterable<T> | AsyncIterable<T>;

/**
 * The chunksize map uses for a sized input when none is given: CPython's `Pool.map` default,
 * `max(1, ceil(length / (4 × workers)))`.
 *
 * @param length number of items
 * @param workers the pool's worker count
 * @category Map
 */
export declare function defaultChunksize(length: number, workers: number): number;
/**
 * {@link wait} resolves once any future is done.
 *
 * @category Tasks
 */
export declare const FIRST_COMPLETED: 'FIRST_COMPLETED';
/**
 * {@link wait} resolves once any future fails (cancelled ones do not count), or all are done.
 *
 * @category Tasks
 */
export declare const FIRST_EXCEPTION: 'FIRST_EXCEPTION';
/**
 * {@link wait} resolves once every future is done (its default).
 *
 * @category Tasks
 */
export declare const ALL_COMPLETED: 'ALL_COMPLETED';
/**
 * When {@link wait} resolves: {@link FIRST_COMPLETED}, {@link FIRST_EXCEPTION} or
 * {@link ALL_COMPLETED}.
 *
 * @category Tasks
 */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;
/**
 * Python's `as_completed`: yields each future as it finishes, those already finished first,
 * each future once (duplicates are dropped).
 *
 * ```ts
 * for await (const future of asCompleted(futures)) console.log(await future);
 * ```
 *
 * @param futures futures from {@link Pool.submit}; anything else is a `TypeError` at the call
 * @param options `timeout`: ms from the call; the iteration then throws {@link TimeoutError} if
 *   some futures have not finished. A negative one is a `RangeError`. Default: no limit.
 * @category Tasks
 */
export declare function asCompleted<T>(
  futures: Iterable<Future<T>>,
  options?: TimeoutOption,
): AsyncIterableIterator<Future<T>>;
/**
 * Python's `concurrent.futures.wait`: resolves to the futures that are done and those that are
 * not, once `returnWhen` holds or `timeout` ms have passed. It never rejects, on a timeout either.
 *
 * @param futures futures from {@link Pool.submit}; anything else is a `TypeError` at the call
 * @param options `timeout`: ms from the call, default no limit (a negative one is a
 *   `RangeError`); `returnWhen`: default {@link ALL_COMPLETED} (any other value than the three
 *   constants is a `RangeError`).
 * @category Tasks
 */
export declare function wait<T>(
  futures: Iterable<Future<T>>,
  options?: { timeout?: number; returnWhen?: ReturnWhen },
): Promise<{
  /** The futures that finished, failed or were cancelled. */
  done: Set<Future<T>>;
  /** The others. */
  notDone: Set<Future<T>>;
}>;

/**
 * What `new TaskOptions(init)` and {@link Pool.submitWith} take. A bad value is a `TypeError` or
 * `RangeError` at the call.
 *
 * @category Tasks
 */
export interface TaskOptionsInit {
  /**
   * Milliseconds from the call; then the task's worker is terminated and replaced, and the future rejects with TimeoutError.
   *
   * A task still waiting for a worker is withdrawn instead. A number ≥ 0 (`Infinity`: none);
   * a negative one is a `RangeError`.
   *
   * @defaultValue `undefined`: none
   */
  timeout?: number;
  /**
   * Aborting rejects with its reason; a running task sees self.wasmpool.signal fire and is terminated after abortGrace ms. Already aborted at submit: the task never runs.
   *
   * The future rejects with the signal's `reason` (a `DOMException` named `AbortError` when it
   * has none). Anything but an `AbortSignal` is a `TypeError`.
   *
   * @defaultValue `undefined`: none
   */
  signal?: AbortSignal;
  /**
   * Milliseconds an aborted running task has to return by itself (it sees
   * {@link TaskContext.signal} fire) before its worker is terminated and replaced.
   *
   * A number ≥ 0; a negative one is a `RangeError`.
   *
   * @defaultValue `100`
   */
  abortGrace?: number;
  /**
   * ArrayBuffers to move (copied into shared memory, detached here).
   *
   * Their bytes travel with the arguments; then they are detached on the page, as with
   * `postMessage`'s transfer list. Anything but an array of `ArrayBuffer`s is a `TypeError`.
   *
   * @defaultValue `undefined`: none
   */
  transfer?: ArrayBuffer[];
}

/**
 * Per-task options; pass as the last argument of submit.
 *
 * ```ts
 * const future = pool.submit(render, tile, new TaskOptions({ timeout: 5000, signal }));
 * ```
 *
 * The constructor checks `init` (a `TypeError` or `RangeError`, see {@link TaskOptionsInit}); the
 * object is frozen.
 *
 * @category Tasks
 */
export declare class TaskOptions {
  constructor(init?: TaskOptionsInit);
  /** {@link TaskOptionsInit.timeout}: `undefined` for none. */
  readonly timeout?: number;
  /** {@link TaskOptionsInit.signal}. */
  readonly signal?: AbortSignal;
  /** {@link TaskOptionsInit.abortGrace}: 100 unless given. */
  readonly abortGrace?: number;
  /** {@link TaskOptionsInit.transfer}. */
  readonly transfer?: ArrayBuffer[];
}

/** The constructors {@link Pool.alloc} takes: the typed arrays (not DataView). */
type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/**
 * A typed array from pool.alloc: free it, or let `using` do it.
 *
 * One that is garbage-collected unfreed is freed then; freeing twice does nothing.
 *
 * @category Pool
 */
export type SharedTypedArray<A> = A & {
  /** Gives its shared memory back to the pool; the array must not be used afterwards. */
  free(): void;
  /** `free()`, for `using`. */
  [Symbol.dispose](): void;
};

/**
 * Options of {@link Pool.shutdown}.
 *
 * @category Pool
 */
export interface ShutdownOptions {
  /**
   * Resolve only when every submitted task has finished and the workers exited (default true).
   *
   * With `false`, shutdown resolves at once and the pool stops in the background.
   *
   * @defaultValue `true`
   */
  wait?: boolean;
  /**
   * Cancel every task no worker has started yet (default false).
   *
   * Their futures reject with {@link CancelledError}; running tasks finish.
   *
   * @defaultValue `false`
   */
  cancelFutures?: boolean;
}

/**
 * A `{ timeout }` option of a wait: {@link Future.result}, {@link Future.exception},
 * {@link asCompleted}, {@link AsyncResult.get}, {@link AsyncResult.wait}, {@link IMapIterator.next}.
 *
 * @category Tasks
 */
export interface TimeoutOption {
  /**
   * Milliseconds; rejects with TimeoutError when exceeded.
   *
   * Only the wait ends: the task keeps running. ({@link AsyncResult.wait} resolves instead.)
   *
   * @defaultValue `undefined`: wait as long as it takes
   */
  timeout?: number;
}

/**
 * The result of one submitted task. `await future` gives its result or throws its error.
 *
 * Python's `concurrent.futures.Future`, and a thenable. It rejects with the error the task threw
 * (rebuilt on the page: `Error` and its standard subclasses keep their class, message, stack and
 * cause), or with one of wasmpool's: {@link CancelledError}, {@link TimeoutError} (its
 * {@link TaskOptionsInit.timeout}), the reason of its {@link TaskOptionsInit.signal},
 * {@link WorkerCrashedError}, {@link PanicError}, {@link QueueFullError}, {@link ShutdownError}
 * (the pool was terminated), {@link BrokenPoolError}, or {@link CloneError} (its result cannot be
 * sent back). A failure nobody asks for (no `await`, `then`, `result()`…) stays silent, as in
 * Python: it is never an unhandled rejection.
 *
 * @category Tasks
 */
export declare class Future<T = unknown> implements PromiseLike<T> {
  private constructor();
  /** The task's result, or its error (see {@link Future}). */
  // biome-ignore lint/suspicious/noThenProperty: awaitable on purpose (`await future`).
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
  /** As `Promise.prototype.catch` on the task's outcome. */
  catch<R = never>(onRejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R>;
  /** As `Promise.prototype.finally` on the task's outcome. */
  finally(onFinally?: (() => void) | null): Promise<T>;
  /** Whether it was cancelled ({@link Future.cancel}, or {@link ShutdownOptions.cancelFutures}). */
  cancelled(): boolean;
  /** Whether a worker runs the task now. */
  running(): boolean;
  /** Whether it has settled: finished, failed or cancelled. */
  done(): boolean;
  /**
   * Promise of the result: rejects with the task's error ({@link CancelledError} if it was
   * cancelled), or with {@link TimeoutError} after `timeout` ms, which leaves the task running.
   */
  result(options?: TimeoutOption): Promise<T>;
  /**
   * Promise of the task's error, or `null` if it succeeded. Rejects with {@link CancelledError} if
   * it was cancelled, or {@link TimeoutError} after `timeout` ms (the task keeps running).
   */
  exception(options?: TimeoutOption): Promise<unknown | null>;
  /**
   * Calls `callback(future)` once it is done (at once if it already is). A callback that throws
   * is reported with `console.error` and changes nothing else. Anything but a function is a
   * `TypeError`.
   */
  addDoneCallback(callback: (future: Future<T>) => void): void;
  /**
   * Cancels; with force, a running task's worker is terminated.
   *
   * A task no worker has started is withdrawn. Returns `true` if the future is (now) cancelled,
   * then rejecting with {@link CancelledError}; `false` if it had already settled, or is running
   * and `force` is not set. A forced cancel replaces the worker; other tasks it was running
   * alongside (`concurrency` > 1) fail with {@link WorkerCrashedError}.
   *
   * @param options `force`: default `false`.
   */
  cancel(options?: { force?: boolean }): boolean;
  /**
   * Progress reports (self.wasmpool.progress in the task); returns an unsubscribe function.
   *
   * A listener that throws is reported with `console.error`; anything but a function is a
   * `TypeError`.
   */
  onProgress(listener: (value: unknown) => void): () => void;
  /**
   * The task's progress reports ({@link TaskContext.progress}) as an async iterator that ends when
   * the task does.
   */
  progress(): AsyncIterableIterator<unknown>;
}

/**
 * What a running task sees of its worker, as `self.wasmpool` (undefined on the page).
 *
 * ```ts
 * pool.submit(async (n) => {
 *   for (let i = 0; i < n; i++) {
 *     self.wasmpool.checkAborted();
 *     self.wasmpool.progress(i / n);
 *   }
 * }, 1000);
 * ```
 *
 * @category Tasks
 */
export interface TaskContext {
  /** Unique id of this worker thread (a replacement worker gets a new one). */
  readonly workerId: number;
  /** Index of this worker in its pool, 0 ≤ workerIndex < pool.workers. */
  readonly workerIndex: number;
  /** The running task's AbortSignal: aborted when the page aborts or times out the task. */
  readonly signal: AbortSignal | undefined;
  /** Whether the page asked the running task to stop (for synchronous loops). */
  readonly aborted: boolean;
  /** Throws an AbortError if the page asked the running task to stop. */
  checkAborted(): void;
  /** Reports progress; the page sees it with future.onProgress / future.progress(). */
  progress(value: unknown): void;
}

declare global {
  /** Inside a wasmpool task: its worker's context. Undefined elsewhere. */
  // eslint-disable-next-line no-var
  var wasmpool: TaskContext | undefined;
}

/** A task: a function sent to the workers as source (so it must not use variables from the page). */
type TaskFunction = (...args: any[]) => unknown;
/** `Awaited` for one level: what a task's promise resolves to. */
type Awaited_<T> = T extends PromiseLike<infer U> ? U : T;

/**
 * A pool of workers: Python's `concurrent.futures` executor, and more.
 *
 * ```ts
 * await using pool = new Pool({ workers: 4 }); // shut down when the scope ends
 * const future = pool.submit((a, b) => a + b, 1, 2);
 * console.log(await future); // 3
 * ```
 *
 * The constructor checks the options (a `TypeError` or `RangeError`, see {@link PoolOptions})
 * and throws {@link NotIsolatedError} for `transport: 'shared'` on a page that cannot share
 * memory with workers; the workers start in the background ({@link Pool.ready}). Tasks can be
 * submitted at once.
 *
 * @category Pool
 */
export declare class Pool {
  constructor(options?: PoolOptions);
  /** Resolves when every worker has started; if the pool cannot start, rejects with BrokenPoolError. */
  readonly ready: Promise<void>;
  /** Number of worker threads. */
  readonly workers: number;
  /** The transport that runs: 'shared' or 'message'. */
  readonly transport: Transport;
  /**
   * Runs `fn(...args)` in a worker. `fn` must not use variables from the page.
   *
   * It is sent as source and compiled once per worker. Throws at the call: {@link CloneError} for
   * an argument that cannot be sent, {@link ShutdownError} once the pool is shut down,
   * {@link BrokenPoolError} once it is broken. What the task does fails its {@link Future}.
   */
  submit<F extends TaskFunction>(fn: F, ...args: Parameters<F>): Future<Awaited_<ReturnType<F>>>;
  /** submit with per-task options as the last argument. */
  submit<F extends TaskFunction>(
    fn: F,
    ...argsAndOptions: [...Parameters<F>, TaskOptions]
  ): Future<Awaited_<ReturnType<F>>>;
  /**
   * Runs the task-module export `name` in a worker.
   *
   * A name that no task module ({@link PoolOptions.module}) exports, nor a Rust task, is a
   * `TypeError`.
   */
  submit<T = unknown>(name: string, ...args: unknown[]): Future<T>;
  /** submit with per-task options first. */
  submitWith<F extends TaskFunction>(
    options: TaskOptionsInit | TaskOptions,
    fn: F,
    ...args: Parameters<F>
  ): Future<Awaited_<ReturnType<F>>>;
  /**
   * A typed array in the shared wasm memory, passed to tasks by reference. Needs a ready pool on the
   * shared transport (on the message transport: NotIsolatedError).
   *
   * Tasks receive it without a copy, whatever its size, and can write it in place. Throws
   * {@link NotIsolatedError} on the message transport, {@link PoolError} before
   * {@link Pool.ready} has resolved, a `TypeError` for another constructor, a `RangeError` for a
   * bad length or when the shared memory cannot hold it.
   */
  alloc<T extends TypedArrayConstructor>(Type: T, length: number): SharedTypedArray<InstanceType<T>>;
  /**
   * fn over the items (several iterables are zipped), results in input order.
   *
   * Python's `Executor.map`: the items travel in chunks ({@link MapOptions.chunksize}), one task
   * each. Throws at the call: a `TypeError` for an input that is not iterable, a `RangeError` for
   * a bad option, {@link CloneError} for an item of a sized input that cannot be sent,
   * {@link ShutdownError} once the pool is shut down.
   */
  map<A, R>(fn: (a: A) => R, items: Input<A>, options?: MapOptions): MapResult<Awaited_<R>>;
  /** Two iterables, zipped: `fn(a[i], b[i])`, stopping at the shorter. */
  map<A, B, R>(fn: (a: A, b: B) => R, a: Input<A>, b: Input<B>, options?: MapOptions): MapResult<Awaited_<R>>;
  /** Any number of iterables, zipped, then the options; or a task-module export name. */
  map<R = unknown>(fn: TaskFunction | string, ...iterablesAndOptions: unknown[]): MapResult<R>;
  /** Like map, results in completion order. */
  imapUnordered<A, R>(fn: (a: A) => R, items: Input<A>, options?: MapOptions): MapResult<Awaited_<R>>;
  /** Like map with a task-module export name, results in completion order. */
  imapUnordered<R = unknown>(fn: string, items: Input<unknown>, options?: MapOptions): MapResult<R>;
  /** Each item is an argument list. */
  starmap<P extends unknown[], R>(fn: (...args: P) => R, items: Input<P>, options?: MapOptions): MapResult<Awaited_<R>>;
  /** starmap with a task-module export name. */
  starmap<R = unknown>(fn: string, items: Input<unknown[]>, options?: MapOptions): MapResult<R>;
  /**
   * Stops the pool: no new tasks (a submit throws {@link ShutdownError}); those already submitted
   * still run, then the workers exit and their memory is freed. Calling it again returns the
   * same stop.
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
  /** Stops now: running tasks are interrupted, unfinished futures reject with ShutdownError. */
  terminate(): Promise<void>;
  /** `await using pool = new Pool()`: {@link Pool.shutdown} when the scope ends. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Options of `new multiprocessing.Pool(options)`: {@link PoolOptions} with Python's names.
 *
 * @category multiprocessing
 */
export interface MultiprocessingOptions extends Omit<PoolOptions, 'workers'> {
  /**
   * Worker threads (Python's name); `workers` is accepted too.
   *
   * @defaultValue the `workers` default, see {@link PoolOptions.workers}
   */
  processes?: number;
  /**
   * The same as `processes`, which wins if both are given.
   *
   * @defaultValue the `workers` default, see {@link PoolOptions.workers}
   */
  workers?: number;
  /**
   * Retire and replace a worker after this many tasks.
   *
   * @defaultValue `undefined`: no limit
   */
  maxTasksPerChild?: number;
}

/**
 * The callbacks of the `*Async` methods of {@link MultiprocessingPool}. One that throws is reported
 * with `console.error`; anything but a function is a `TypeError` at the call.
 *
 * @category multiprocessing
 */
export interface Callbacks<T> {
  /** Called with the result once it is ready. */
  callback?: (value: T) => void;
  /** Called with the error if the call fails. */
  errorCallback?: (error: unknown) => void;
}

/**
 * Python's AsyncResult.
 *
 * What {@link MultiprocessingPool.applyAsync}, {@link MultiprocessingPool.mapAsync} and
 * {@link MultiprocessingPool.starmapAsync} return.
 *
 * @category multiprocessing
 */
export declare class AsyncResult<T> {
  private constructor();
  /** Promise of the result: rejects with the call's error, or {@link TimeoutError} after `timeout` ms. */
  get(options?: TimeoutOption): Promise<T>;
  /** Resolves when the result is ready, or after `timeout` ms; never rejects. */
  wait(options?: TimeoutOption): Promise<void>;
  /** Whether the call has finished (succeeded or failed). */
  ready(): boolean;
  /** Throws PoolError if not ready. */
  successful(): boolean;
}

/**
 * An async iterator whose next() takes Python's timeout.
 *
 * What {@link MultiprocessingPool.imap} and {@link MultiprocessingPool.imapUnordered} return.
 *
 * @category multiprocessing
 */
export declare class IMapIterator<T> implements AsyncIterableIterator<T> {
  private constructor();
  /**
   * The next result. Rejects with an item's error when iteration reaches it, or with
   * {@link TimeoutError} after `timeout` ms; a timed-out call keeps the pending item for the next
   * one, so no result is skipped.
   */
  next(options?: TimeoutOption): Promise<IteratorResult<T>>;
  /** Ends the iteration early; chunks no worker has started are cancelled. */
  return(value?: unknown): Promise<IteratorResult<T>>;
  /** Itself, for `for await`. */
  [Symbol.asyncIterator](): IMapIterator<T>;
}

/**
 * multiprocessing.Pool: a thin class over the same core as Pool.
 *
 * Python's method names and semantics. Once {@link MultiprocessingPool.close} or
 * {@link MultiprocessingPool.terminate} has been called, every method that runs tasks throws
 * {@link PoolError} at the call (Python: "Pool not running"). The constructor throws as
 * {@link Pool}'s does.
 *
 * @category multiprocessing
 */
export declare class MultiprocessingPool {
  constructor(options?: MultiprocessingOptions);
  /** Resolves when every worker has started; rejects with {@link BrokenPoolError} if the pool cannot start. */
  readonly ready: Promise<void>;
  /** Number of worker threads. */
  readonly processes: number;
  /** The transport that runs: 'shared' or 'message'. */
  readonly transport: Transport;
  /** Python's `apply`: `fn(...args)` in a worker; resolves with its result. */
  apply<F extends TaskFunction>(fn: F, args?: Parameters<F>): Promise<Awaited_<ReturnType<F>>>;
  /** Python's `apply_async`: `fn(...args)` in a worker. */
  applyAsync<F extends TaskFunction>(
    fn: F,
    args?: Parameters<F>,
    callbacks?: Callbacks<Awaited_<ReturnType<F>>>,
  ): AsyncResult<Awaited_<ReturnType<F>>>;
  /**
   * Python's `map`: the results in input order; rejects with the first item's error.
   *
   * @param chunksize items per task; default as {@link MapOptions.chunksize}
   */
  map<A, R>(fn: (a: A) => R, iterable: Input<A>, chunksize?: number): Promise<Awaited_<R>[]>;
  /**
   * Python's `map_async`.
   *
   * @param chunksize items per task; default as {@link MapOptions.chunksize}
   */
  mapAsync<A, R>(
    fn: (a: A) => R,
    iterable: Input<A>,
    chunksize?: number,
    callbacks?: Callbacks<Awaited_<R>[]>,
  ): AsyncResult<Awaited_<R>[]>;
  /**
   * Python's `starmap`: each item is an argument list.
   *
   * @param chunksize items per task; default as {@link MapOptions.chunksize}
   */
  starmap<P extends unknown[], R>(
    fn: (...args: P) => R,
    iterable: Input<P>,
    chunksize?: number,
  ): Promise<Awaited_<R>[]>;
  /** starmap with a task-module export name. */
  starmap<R = unknown>(fn: string, iterable: Input<unknown[]>, chunksize?: number): Promise<R[]>;
  /**
   * Python's `starmap_async`: each item is an argument list.
   *
   * @param chunksize items per task; default as {@link MapOptions.chunksize}
   */
  starmapAsync<P extends unknown[], R>(
    fn: (...args: P) => R,
    iterable: Input<P>,
    chunksize?: number,
    callbacks?: Callbacks<Awaited_<R>[]>,
  ): AsyncResult<Awaited_<R>[]>;
  /** starmapAsync with a task-module export name. */
  starmapAsync<R = unknown>(
    fn: string,
    iterable: Input<unknown[]>,
    chunksize?: number,
    callbacks?: Callbacks<R[]>,
  ): AsyncResult<R[]>;
  /**
   * Python's `imap`: the results in input order, as an async iterator.
   *
   * @param chunksize items per task; default `1`, as in Python
   */
  imap<A, R>(fn: (a: A) => R, iterable: Input<A>, chunksize?: number): IMapIterator<Awaited_<R>>;
  /**
   * Python's `imap_unordered`: the results in completion order, as an async iterator.
   *
   * @param chunksize items per task; default `1`, as in Python
   */
  imapUnordered<A, R>(fn: (a: A) => R, iterable: Input<A>, chunksize?: number): IMapIterator<Awaited_<R>>;
  /** No new tasks; those already submitted still run, then the workers exit ({@link MultiprocessingPool.join}). */
  close(): void;
  /** Stops now: running tasks are interrupted, outstanding results reject with {@link ShutdownError}. */
  terminate(): Promise<void>;
  /** Throws PoolError before close()/terminate(). */
  join(): Promise<void>;
  /** `await using pool = new multiprocessing.Pool()`: {@link MultiprocessingPool.terminate} when the scope ends, as Python's `with Pool()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Python's module name, for code ported from it: `new multiprocessing.Pool({ processes: 4 })`.
 *
 * @category multiprocessing
 */
export declare const multiprocessing: {
  /** {@link MultiprocessingPool}. */
  readonly Pool: typeof MultiprocessingPool;
  /** {@link AsyncResult}. */
  readonly AsyncResult: typeof AsyncResult;
};

/**
 * Base class of every error wasmpool raises itself (all but {@link CloneError}, a `TypeError`,
 * and the `TypeError`s and `RangeError`s of argument checks).
 *
 * Thrown as itself by {@link Pool.alloc} before the pool is ready, by {@link MultiprocessingPool}
 * methods after close or terminate, by {@link MultiprocessingPool.join} before them, and by
 * {@link AsyncResult.successful} before the result is ready.
 *
 * @category Errors
 */
export declare class PoolError extends Error {}
/**
 * The page is not cross-origin isolated; the message names the COOP/COEP headers to send.
 *
 * Thrown by `new Pool({ transport: 'shared' })` where the page cannot share memory with workers,
 * and by {@link Pool.alloc} on the message transport.
 *
 * @category Errors
 */
export declare class NotIsolatedError extends PoolError {
  /** `what` needs shared memory (default: wasmpool's shared memory); the message says what to do. */
  constructor(what?: string);
}
/**
 * The pool was shut down before or while the task ran.
 *
 * Thrown by {@link Pool.submit}, {@link Pool.map} and the other task methods once
 * {@link Pool.shutdown} or {@link Pool.terminate} has been called; unfinished futures reject with
 * it when the pool is terminated.
 *
 * @category Errors
 */
export declare class ShutdownError extends PoolError {}
/**
 * The pool cannot run the task: it failed to start (its wasm, a task module, a worker) or its initializer failed. The message says why and what to do.
 *
 * Python's `BrokenExecutor`. {@link Pool.ready} rejects with it, every unfinished future does,
 * and every later call throws it; `cause` holds the original error where there is one.
 *
 * @category Errors
 */
export declare class BrokenPoolError extends PoolError {}
/**
 * The task was cancelled: by {@link Future.cancel}, or by
 * {@link Pool.shutdown} with {@link ShutdownOptions.cancelFutures}. The future rejects with it.
 *
 * @category Errors
 */
export declare class CancelledError extends PoolError {
  constructor(message?: string);
}
/**
 * Something ran out of time: a task's {@link TaskOptionsInit.timeout} (its worker was terminated
 * and replaced), a map's {@link MapOptions.timeout}, or a wait's {@link TimeoutOption.timeout}
 * (the task keeps running).
 *
 * @category Errors
 */
export declare class TimeoutError extends PoolError {
  constructor(message?: string);
}
/**
 * The worker running the task died (it crashed, ran out of memory or closed itself), or was
 * terminated for another task it ran alongside (`concurrency` > 1). The worker is replaced; the
 * future rejects with it.
 *
 * @category Errors
 */
export declare class WorkerCrashedError extends PoolError {}
/**
 * Rust code in the task panicked; the message carries the panic message. The future rejects with
 * it.
 *
 * @category Errors
 */
export declare class PanicError extends PoolError {}
/**
 * The pool already has {@link PoolOptions.maxQueueSize} tasks waiting for a worker: the future
 * of a submit made then (or the map it was a chunk of) rejects with it.
 *
 * @category Errors
 */
export declare class QueueFullError extends PoolError {}
