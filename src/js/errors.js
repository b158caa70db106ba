// The typed errors of wasmpool. Each says what happened and what to do.

/** Base class of every error wasmpool itself raises. */
export class PoolError extends Error {}

/** What needs shared memory was asked for on a page that cannot share it with workers. */
export class NotIsolatedError extends PoolError {
  constructor(what = "wasmpool's shared memory") {
    super(
      // WebKit (WebKitGTK 2.50) reports crossOriginIsolated yet has no
      // SharedArrayBuffer: headers would not help there.
      globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'function'
        ? `${what} needs a shared WebAssembly memory posted to workers, which this browser does not allow even ` +
            'on this cross-origin isolated page (no SharedArrayBuffer: WebKit). ' +
            "Use the message transport: new Pool() (transport 'auto') picks it here."
        : `${what} needs a cross-origin isolated page (SharedArrayBuffer, and a shared WebAssembly memory that can be ` +
            'posted to workers). Serve the page with "Cross-Origin-Opener-Policy: same-origin" and ' +
            '"Cross-Origin-Embedder-Policy: require-corp" (or "credentialless"), or with ' +
            '"Document-Isolation-Policy: isolate-and-require-corp" (Chromium 137+). ' +
            "Without isolation, new Pool() (transport 'auto') runs on the message transport.",
    );
  }
}

/** The pool was shut down (or closed/terminated) before or while the task ran. */
export class ShutdownError extends PoolError {}

/** Python's BrokenExecutor: the pool cannot run tasks any more (e.g. its initializer failed). */
export class BrokenPoolError extends PoolError {}

/** The future was cancelled. */
export class CancelledError extends PoolError {
  constructor(message = 'the task was cancelled') {
    super(message);
  }
}

/** A wait or a task ran out of time. */
export class TimeoutError extends PoolError {
  constructor(message = 'timed out') {
    super(message);
  }
}

/** The worker running the task died (crashed, was closed, ran out of memory). */
export class WorkerCrashedError extends PoolError {}

/** Rust code in the task panicked; `message` carries the panic message. */
export class PanicError extends PoolError {}

/** The pool's queue is at `maxQueueSize`. */
export class QueueFullError extends PoolError {}

// Names from the property keys, not new.target.name or Class.name: minifiers
// rename classes but keep property keys.
const NAMED = {
  PoolError,
  NotIsolatedError,
  ShutdownError,
  BrokenPoolError,
  CancelledError,
  TimeoutError,
  WorkerCrashedError,
  PanicError,
  QueueFullError,
};
for (const [name, ErrorClass] of Object.entries(NAMED)) ErrorClass.prototype.name = name;
