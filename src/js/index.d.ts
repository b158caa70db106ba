// Public types of wasmpool.

export { CloneError } from './codec.js';

/** Most workers one pool may have. */
export declare const MAX_WORKERS: number;

export interface PoolOptions {
  /** Worker threads; default `navigator.hardwareConcurrency`. An integer from 1 to MAX_WORKERS. */
  workers?: number;
  /** Task module URL(s) every worker imports before its first task. */
  module?: string | URL | Array<string | URL>;
  /** Tasks held in shared memory at once (more wait in a page-side backlog). Default 1024. */
  slots?: number;
}

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
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
  catch<R = never>(onRejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R>;
  finally(onFinally?: (() => void) | null): Promise<T>;
  /** Cancels the task if no worker has started it; true if it is cancelled. */
  cancel(): boolean;
  cancelled(): boolean;
  running(): boolean;
  done(): boolean;
  result(options?: TimeoutOption): Promise<T>;
  exception(options?: TimeoutOption): Promise<unknown | null>;
  addDoneCallback(callback: (future: Future<T>) => void): void;
}

type TaskFunction = (...args: any[]) => unknown;
type Awaited_<T> = T extends PromiseLike<infer U> ? U : T;

export declare class Pool {
  constructor(options?: PoolOptions);
  /** Resolves when every worker has started. */
  readonly ready: Promise<void>;
  /** Number of worker threads. */
  readonly workers: number;
  /** Runs `fn(...args)` in a worker. `fn` must not use variables from the page. */
  submit<F extends TaskFunction>(fn: F, ...args: Parameters<F>): Future<Awaited_<ReturnType<F>>>;
  /** Runs the task-module export `name` in a worker. */
  submit<T = unknown>(name: string, ...args: unknown[]): Future<T>;
  shutdown(options?: ShutdownOptions): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export declare class PoolError extends Error {}
/** The page is not cross-origin isolated; the message names the COOP/COEP headers to send. */
export declare class NotIsolatedError extends PoolError {}
export declare class ShutdownError extends PoolError {}
export declare class BrokenPoolError extends PoolError {}
export declare class CancelledError extends PoolError {}
export declare class TimeoutError extends PoolError {}
export declare class WorkerCrashedError extends PoolError {}
export declare class PanicError extends PoolError {}
