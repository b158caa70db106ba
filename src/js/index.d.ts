/// <reference lib="esnext.disposable" />
// Public types of wasmpool.

export { CloneError, type CloneErrorCode } from './common/codec/index.js';

/** Most workers one pool may have. */
export declare const MAX_WORKERS: number;

/** How tasks and results travel between the page and the workers. */
export type Transport = 'shared' | 'message';

export interface PoolOptions {
  /**
   * 'auto' (default): 'shared' where the page can share memory with workers
   * (cross-origin isolated; always in Node.js), else 'message'. 'shared': tasks and results in
   * the pool's shared wasm memory (throws NotIsolatedError where it cannot
   * work). 'message': batched postMessages, on any page.
   */
  transport?: 'auto' | Transport;
  /** No console.info when 'auto' falls back to the message transport. */
  quiet?: boolean;
  /**
   * Worker threads; default `navigator.hardwareConcurrency` (Node.js: `os.availableParallelism()`).
   * An integer from 1 to MAX_WORKERS.
   */
  workers?: number;
  /** Runs in every worker before its first task (a function or a task-module export name). */
  initializer?: ((...args: any[]) => unknown) | string;
  /** Arguments of the initializer. */
  initargs?: unknown[];
  /** Retire and replace a worker after this many tasks. */
  maxTasksPerChild?: number;
  /** Tasks waiting to start beyond which submit rejects with QueueFullError. */
  maxQueueSize?: number;
  /** Async tasks one worker keeps in flight at once (default 1). */
  concurrency?: number;
  /**
   * Bytes the page's shared wasm memory is grown to before the workers start,
   * so that a run allocating less never grows it during the run (a workaround
   * for Safari releases where growing shared memory under running threads broke).
   */
  reserveMemory?: number;
  /**
   * Task module URL(s) every worker imports before its first task. Node.js: file: or data: URLs,
   * or paths (relative ones against the working directory).
   */
  module?: string | URL | Array<string | URL>;
  /** Tasks held in shared memory at once (more wait in a page-side backlog). Default 1024. */
  slots?: number;
  /**
   * Node.js only: keep the process alive while the pool is open, until it is shut down. By
   * default (false) a pool holds the process only while it starts, runs tasks or shuts down,
   * so a script that forgets shutdown() still exits when its work is done (as with piscina).
   */
  keepAlive?: boolean;
}

export interface MapOptions {
  /** Milliseconds from the call; exceeded → TimeoutError when iteration reaches an unfinished item. */
  timeout?: number;
  /** Items per task. Default ceil(n / (4 × workers)) for sized inputs, 1 for generators/async iterables. */
  chunksize?: number;
  /** Chunks in flight for generators/async iterables (default 4 × workers). */
  buffersize?: number;
}

/** The result of map: await it for the ordered array, or iterate it with for await. */
export declare class MapResult<T> implements PromiseLike<T[]>, AsyncIterable<T> {
  private constructor();
  [Symbol.asyncIterator](): AsyncIterator<T>;
  // biome-ignore lint/suspicious/noThenProperty: awaitable on purpose (`await pool.map(...)`).
  then<R1 = T[], R2 = never>(
    onFulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
  catch<R = never>(onRejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T[] | R>;
  finally(onFinally?: (() => void) | null): Promise<T[]>;
}

type Input<T> = Iterable<T> | AsyncIterable<T>;

export declare function defaultChunksize(length: number, workers: number): number;
export declare const FIRST_COMPLETED: 'FIRST_COMPLETED';
export declare const FIRST_EXCEPTION: 'FIRST_EXCEPTION';
export declare const ALL_COMPLETED: 'ALL_COMPLETED';
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;
export declare function asCompleted<T>(
  futures: Iterable<Future<T>>,
  options?: TimeoutOption,
): AsyncIterableIterator<Future<T>>;
export declare function wait<T>(
  futures: Iterable<Future<T>>,
  options?: { timeout?: number; returnWhen?: ReturnWhen },
): Promise<{ done: Set<Future<T>>; notDone: Set<Future<T>> }>;

export interface TaskOptionsInit {
  /** Milliseconds from the call; then the task's worker is terminated and replaced, and the future rejects with TimeoutError. */
  timeout?: number;
  /** Aborting rejects with its reason; a running task sees self.wasmpool.signal fire and is terminated after abortGrace ms. Already aborted at submit: the task never runs. */
  signal?: AbortSignal;
  abortGrace?: number;
  /** ArrayBuffers to move (copied into shared memory, detached here). */
  transfer?: ArrayBuffer[];
}

/** Per-task options; pass as the last argument of submit. */
export declare class TaskOptions {
  constructor(init?: TaskOptionsInit);
  readonly timeout?: number;
  readonly signal?: AbortSignal;
  readonly abortGrace?: number;
  readonly transfer?: ArrayBuffer[];
}

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

/** A typed array from pool.alloc: free it, or let `using` do it. */
export type SharedTypedArray<A> = A & { free(): void; [Symbol.dispose](): void };

export interface ShutdownOptions {
  /** Resolve only when every submitted task has finished and the workers exited (default true). */
  wait?: boolean;
  /** Cancel every task no worker has started yet (default false). */
  cancelFutures?: boolean;
}

export interface TimeoutOption {
  /** Milliseconds; rejects with TimeoutError when exceeded. */
  timeout?: number;
}

/** The result of one submitted task. `await future` gives its result or throws its error. */
export declare class Future<T = unknown> implements PromiseLike<T> {
  private constructor();
  // biome-ignore lint/suspicious/noThenProperty: awaitable on purpose (`await future`).
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
  catch<R = never>(onRejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R>;
  finally(onFinally?: (() => void) | null): Promise<T>;
  cancelled(): boolean;
  running(): boolean;
  done(): boolean;
  result(options?: TimeoutOption): Promise<T>;
  exception(options?: TimeoutOption): Promise<unknown | null>;
  addDoneCallback(callback: (future: Future<T>) => void): void;
  /** Cancels; with force, a running task's worker is terminated. */
  cancel(options?: { force?: boolean }): boolean;
  /** Progress reports (self.wasmpool.progress in the task); returns an unsubscribe function. */
  onProgress(listener: (value: unknown) => void): () => void;
  progress(): AsyncIterableIterator<unknown>;
}

/** What a running task sees of its worker, as `self.wasmpool` (undefined on the page). */
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

type TaskFunction = (...args: any[]) => unknown;
type Awaited_<T> = T extends PromiseLike<infer U> ? U : T;

export declare class Pool {
  constructor(options?: PoolOptions);
  /** Resolves when every worker has started; if the pool cannot start, rejects with BrokenPoolError. */
  readonly ready: Promise<void>;
  /** Number of worker threads. */
  readonly workers: number;
  /** The transport that runs: 'shared' or 'message'. */
  readonly transport: Transport;
  /** Runs `fn(...args)` in a worker. `fn` must not use variables from the page. */
  submit<F extends TaskFunction>(fn: F, ...args: Parameters<F>): Future<Awaited_<ReturnType<F>>>;
  /** submit with per-task options as the last argument. */
  submit<F extends TaskFunction>(
    fn: F,
    ...argsAndOptions: [...Parameters<F>, TaskOptions]
  ): Future<Awaited_<ReturnType<F>>>;
  /** Runs the task-module export `name` in a worker. */
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
   */
  alloc<T extends TypedArrayConstructor>(Type: T, length: number): SharedTypedArray<InstanceType<T>>;
  /** fn over the items (several iterables are zipped), results in input order. */
  map<A, R>(fn: (a: A) => R, items: Input<A>, options?: MapOptions): MapResult<Awaited_<R>>;
  map<A, B, R>(fn: (a: A, b: B) => R, a: Input<A>, b: Input<B>, options?: MapOptions): MapResult<Awaited_<R>>;
  map<R = unknown>(fn: TaskFunction | string, ...iterablesAndOptions: unknown[]): MapResult<R>;
  /** Like map, results in completion order. */
  imapUnordered<A, R>(fn: (a: A) => R, items: Input<A>, options?: MapOptions): MapResult<Awaited_<R>>;
  imapUnordered<R = unknown>(fn: string, items: Input<unknown>, options?: MapOptions): MapResult<R>;
  /** Each item is an argument list. */
  starmap<P extends unknown[], R>(fn: (...args: P) => R, items: Input<P>, options?: MapOptions): MapResult<Awaited_<R>>;
  starmap<R = unknown>(fn: string, items: Input<unknown[]>, options?: MapOptions): MapResult<R>;
  shutdown(options?: ShutdownOptions): Promise<void>;
  /** Stops now: running tasks are interrupted, unfinished futures reject with ShutdownError. */
  terminate(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface MultiprocessingOptions extends Omit<PoolOptions, 'workers'> {
  /** Worker threads (Python's name); `workers` is accepted too. */
  processes?: number;
  workers?: number;
  /** Retire and replace a worker after this many tasks. */
  maxTasksPerChild?: number;
}

export interface Callbacks<T> {
  callback?: (value: T) => void;
  errorCallback?: (error: unknown) => void;
}

/** Python's AsyncResult. */
export declare class AsyncResult<T> {
  private constructor();
  get(options?: TimeoutOption): Promise<T>;
  wait(options?: TimeoutOption): Promise<void>;
  ready(): boolean;
  /** Throws PoolError if not ready. */
  successful(): boolean;
}

/** An async iterator whose next() takes Python's timeout. */
export declare class IMapIterator<T> implements AsyncIterableIterator<T> {
  private constructor();
  next(options?: TimeoutOption): Promise<IteratorResult<T>>;
  return(value?: unknown): Promise<IteratorResult<T>>;
  [Symbol.asyncIterator](): IMapIterator<T>;
}

/** multiprocessing.Pool: a thin class over the same core as Pool. */
export declare class MultiprocessingPool {
  constructor(options?: MultiprocessingOptions);
  readonly ready: Promise<void>;
  readonly processes: number;
  /** The transport that runs: 'shared' or 'message'. */
  readonly transport: Transport;
  apply<F extends TaskFunction>(fn: F, args?: Parameters<F>): Promise<Awaited_<ReturnType<F>>>;
  applyAsync<F extends TaskFunction>(
    fn: F,
    args?: Parameters<F>,
    callbacks?: Callbacks<Awaited_<ReturnType<F>>>,
  ): AsyncResult<Awaited_<ReturnType<F>>>;
  map<A, R>(fn: (a: A) => R, iterable: Input<A>, chunksize?: number): Promise<Awaited_<R>[]>;
  mapAsync<A, R>(
    fn: (a: A) => R,
    iterable: Input<A>,
    chunksize?: number,
    callbacks?: Callbacks<Awaited_<R>[]>,
  ): AsyncResult<Awaited_<R>[]>;
  starmap<P extends unknown[], R>(
    fn: (...args: P) => R,
    iterable: Input<P>,
    chunksize?: number,
  ): Promise<Awaited_<R>[]>;
  starmap<R = unknown>(fn: string, iterable: Input<unknown[]>, chunksize?: number): Promise<R[]>;
  starmapAsync<P extends unknown[], R>(
    fn: (...args: P) => R,
    iterable: Input<P>,
    chunksize?: number,
    callbacks?: Callbacks<Awaited_<R>[]>,
  ): AsyncResult<Awaited_<R>[]>;
  starmapAsync<R = unknown>(
    fn: string,
    iterable: Input<unknown[]>,
    chunksize?: number,
    callbacks?: Callbacks<R[]>,
  ): AsyncResult<R[]>;
  imap<A, R>(fn: (a: A) => R, iterable: Input<A>, chunksize?: number): IMapIterator<Awaited_<R>>;
  imapUnordered<A, R>(fn: (a: A) => R, iterable: Input<A>, chunksize?: number): IMapIterator<Awaited_<R>>;
  close(): void;
  terminate(): Promise<void>;
  /** Throws PoolError before close()/terminate(). */
  join(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export declare const multiprocessing: {
  readonly Pool: typeof MultiprocessingPool;
  readonly AsyncResult: typeof AsyncResult;
};

export declare class PoolError extends Error {}
/** The page is not cross-origin isolated; the message names the COOP/COEP headers to send. */
export declare class NotIsolatedError extends PoolError {}
export declare class ShutdownError extends PoolError {}
/** The pool cannot run the task: it failed to start (its wasm, a task module, a worker) or its initializer failed. The message says why and what to do. */
export declare class BrokenPoolError extends PoolError {}
export declare class CancelledError extends PoolError {}
export declare class TimeoutError extends PoolError {}
export declare class WorkerCrashedError extends PoolError {}
export declare class PanicError extends PoolError {}
export declare class QueueFullError extends PoolError {}
