// Every option and argument check of the page side, in one place: a bad
// value is a RangeError/TypeError at the call that passed it, saying what is
// allowed, before anything reaches a worker.

import { MAX_SLOTS, MAX_WORKERS } from '../common/layout-constants.js';
import { platform } from '../platform.js';
import { checkTimeout } from '../waiting.js';

/** Most workers one pool may have (the size of its worker table in the core). */
export { MAX_WORKERS };

const DEFAULT_SLOTS = 1024;

/** @typedef {import('../index.js').PoolOptions} PoolOptions */
/** @typedef {import('../index.js').TaskOptionsInit} TaskOptionsInit */

/**
 * The Pool constructor's options, checked and normalised (poolConfig): what
 * the engine and the transports read.
 *
 * @typedef {object} PoolConfig
 * @property {'auto' | 'shared' | 'message'} transport as given ('auto' is resolved by Pool)
 * @property {boolean} quiet
 * @property {number} workers
 * @property {number} slots
 * @property {string[]} modules the task modules' absolute URLs
 * @property {{ code: string, named: boolean } | null} initializer its source, or its export name (`named`)
 * @property {unknown[]} initargs
 * @property {number} maxTasksPerChild 0: no limit
 * @property {number} maxQueueSize 0: no limit
 * @property {number} concurrency
 * @property {number} reserveMemory bytes, 0 for none
 * @property {boolean} keepAlive
 */

/**
 * Throws a RangeError unless `value` is an integer in [min, max].
 *
 * @param {string} name the option's, for the message
 * @param {unknown} value
 * @param {{ min?: number, max?: number }} [range]
 * @returns {number}
 */
export function checkCount(name, value, { min = 1, max = Infinity } = {}) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function defaultWorkers() {
  const n = /** @type {number} */ (platform.cores()); // undefined fails Number.isInteger
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_WORKERS) : 4;
}

/**
 * Per-task options, passed as the last argument of submit (or to submitWith):
 * `timeout` (ms from the call: the worker running it is terminated and
 * replaced, the future rejects with TimeoutError), `signal` (an AbortSignal:
 * rejects with its reason; a queued task is withdrawn, a running one is told
 * through `self.wasmpool.signal` and terminated if still running after
 * `abortGrace` ms, default 100), `transfer` (ArrayBuffers the caller gives up).
 */
export class TaskOptions {
  /** @param {TaskOptionsInit} [init] */
  constructor({ timeout, signal, abortGrace = 100, transfer } = {}) {
    this.timeout = checkTimeout(timeout);
    if (transfer !== undefined && !isBufferList(transfer)) {
      throw new TypeError('transfer must be an array of ArrayBuffers');
    }
    this.transfer = transfer;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
    this.signal = signal;
    this.abortGrace = checkTimeout(abortGrace);
    Object.freeze(this);
  }
}

/**
 * @param {unknown} list
 * @returns {list is ArrayBuffer[]}
 */
const isBufferList = (list) => Array.isArray(list) && list.every((b) => b instanceof ArrayBuffer);

const TRANSPORTS = ['auto', 'shared', 'message'];

/**
 * The Pool constructor's options, checked and normalised.
 *
 * @param {PoolOptions} [options]
 * @returns {PoolConfig}
 */
export function poolConfig({
  transport = 'auto',
  quiet = false,
  workers = defaultWorkers(),
  module,
  slots = DEFAULT_SLOTS,
  initializer,
  initargs = [],
  maxTasksPerChild,
  maxQueueSize,
  concurrency = 1,
  reserveMemory,
  keepAlive = false,
} = {}) {
  if (initializer !== undefined && typeof initializer !== 'function' && typeof initializer !== 'string') {
    throw new TypeError('initializer must be a function or the name of a task-module export');
  }
  if (!Array.isArray(initargs)) throw new TypeError('initargs must be an array');
  if (!TRANSPORTS.includes(transport)) {
    throw new RangeError(`transport must be 'auto', 'shared' or 'message', got ${describe(transport)}`);
  }
  return {
    transport,
    quiet: !!quiet,
    workers: checkCount('workers', workers, { max: MAX_WORKERS }),
    slots: checkCount('slots', slots, { max: MAX_SLOTS }),
    modules: taskModuleUrls(module),
    initializer: initializer === undefined ? null : initializerCode(initializer),
    initargs,
    maxTasksPerChild: optionalCount('maxTasksPerChild', maxTasksPerChild),
    maxQueueSize: optionalCount('maxQueueSize', maxQueueSize),
    concurrency: checkCount('concurrency', concurrency, { max: 1000 }),
    reserveMemory:
      reserveMemory === undefined ? 0 : checkCount('reserveMemory', reserveMemory, { min: 0, max: 2 ** 32 }),
    keepAlive: !!keepAlive,
  };
}

// 0 stands for "no limit".
/**
 * @param {string} name
 * @param {number | null | undefined} value
 * @returns {number}
 */
const optionalCount = (name, value) => (value === undefined || value === null ? 0 : checkCount(name, value));

/** @param {NonNullable<PoolOptions['initializer']>} initializer */
const initializerCode = (initializer) =>
  typeof initializer === 'function'
    ? { code: Function.prototype.toString.call(initializer), named: false }
    : { code: initializer, named: true };

// Task-module URLs, absolute. Workers import them, so they must be same-origin.
/**
 * @param {PoolOptions['module']} module
 * @returns {string[]}
 */
function taskModuleUrls(module) {
  const list = module === undefined ? [] : Array.isArray(module) ? module : [module];
  return list.map((m) => {
    const resolved = platform.taskModuleUrl(m);
    if (resolved !== null) return resolved;
    const url = new URL(String(m), globalThis.location?.href);
    // data: URLs (Vite inlines small files named by new URL()) and blob: URLs
    // are code the page made itself, not another origin's.
    if (globalThis.location && url.protocol !== 'data:' && url.origin !== location.origin) {
      throw new TypeError(
        `task module ${url.href} is on another origin (${url.origin}); ` +
          `workers can only import task modules from ${location.origin}`,
      );
    }
    return url.href;
  });
}

/**
 * Throws a TypeError unless `fn` can be a task: a function or a name.
 *
 * @param {unknown} fn
 * @returns {asserts fn is Function | string}
 */
export function checkTask(fn) {
  if (typeof fn !== 'function' && typeof fn !== 'string') {
    throw new TypeError(
      `a task must be a function, or the name of a task-module export or Rust task, got ${describe(fn)}`,
    );
  }
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object'
    ? `an object (${Object.prototype.toString.call(value)})`
    : `${typeof value} ${String(value)}`;
}

/**
 * TaskOptions.transfer: the buffers are moved (their bytes were just copied
 * into shared memory), so the caller loses them, as with postMessage.
 *
 * @param {ArrayBuffer[]} buffers
 */
export function detach(buffers) {
  for (const b of buffers) {
    if (typeof b.transfer === 'function') b.transfer();
    else structuredClone(b, { transfer: [b] });
  }
}
