// CloneError: a value cannot be sent to (or from) a worker. Its `code` says
// why, for callers that branch on it; `path` says where in the value; the
// message says both, and what to do instead.
//
//   code                        thrown by  when
//   FUNCTION                    encode     a function
//   SYMBOL                      encode     a symbol
//   UNSUPPORTED_TYPE            encode     another typeof the codec does not know
//   PROMISE                     encode     a Promise
//   WEAK_REFERENCE              encode     a WeakMap, WeakSet or WeakRef
//   CLASS_INSTANCE              encode     an instance of any other class
//   UNSUPPORTED_VIEW            encode     an ArrayBuffer view of a kind not in VIEWS
//   UNREGISTERED_SHARED_BUFFER  encode     memory of a SharedArrayBuffer the pool does not know
//   UNKNOWN_BUFFER              decode     a by-reference buffer id this side has not (yet) registered
//   CORRUPT_MESSAGE             decode     an unknown tag: the bytes are not an encoded value

/** @typedef {import('./index.js').CloneErrorCode} CloneErrorCode */

/** A value cannot be sent to (or from) a worker. `path` says where it is, `code` why. */
export class CloneError extends TypeError {
  /**
   * @param {string} message
   * @param {string} path where in the value, e.g. `args[1].onDone`
   * @param {CloneErrorCode} code why
   */
  constructor(message, path, code) {
    super(message);
    this.name = 'CloneError';
    this.path = path;
    this.code = code;
  }
}

/**
 * Thrown while encoding, where the path is not tracked (the hot path stays
 * cheap); the Encoder turns it into a CloneError with a path afterwards.
 */
export class Unsendable {
  /**
   * @param {any} value the culprit: anything
   * @param {string} reason
   * @param {CloneErrorCode} code
   */
  constructor(value, reason, code) {
    this.value = value;
    this.reason = reason;
    this.code = code;
  }
}

/**
 * The CloneError for `e` (an Unsendable found while encoding `root`).
 *
 * @param {Unsendable} e
 * @param {unknown} root
 * @param {string} rootPath
 * @returns {CloneError}
 */
export function cloneErrorFor(e, root, rootPath) {
  const path = findPath(root, e.value, rootPath);
  const direction = rootPath === 'result' ? 'back to the page' : 'to a worker';
  return new CloneError(cloneMessage(e, path, direction), path, e.code);
}

/**
 * @param {Unsendable} e
 * @param {string} path
 * @param {string} direction
 * @returns {string}
 */
function cloneMessage(e, path, direction) {
  const what =
    typeof e.value === 'function'
      ? `a function${e.value.name ? ` (${e.value.name})` : ''}`
      : typeof e.value === 'symbol'
        ? `a symbol (${String(e.value)})`
        : e.value?.constructor
          ? `a ${e.value.constructor.name}`
          : `a ${typeof e.value}`;
  return `Cannot send ${what} at ${path} ${direction}: ${e.reason}`;
}

/**
 * The slow path: where in `root` is `target`? (Breadth-first, cycle-safe.)
 *
 * @param {unknown} root
 * @param {unknown} target
 * @param {string} rootPath
 * @returns {string}
 */
function findPath(root, target, rootPath) {
  const seen = new Set();
  /** @type {Array<[unknown, string]>} */
  const queue = [[root, rootPath]];
  while (queue.length) {
    const [v, path] = /** @type {[unknown, string]} */ (queue.shift());
    if (v === target) return path;
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Map) {
      let i = 0;
      for (const [k, val] of v) {
        queue.push([k, `${path}<map key ${i}>`]);
        queue.push([val, `${path}.get(${preview(k)})`]);
        i++;
      }
    } else if (v instanceof Set) {
      let i = 0;
      for (const val of v) queue.push([val, `${path}<set entry ${i++}>`]);
    } else if (v instanceof Error) {
      if ('cause' in v) queue.push([v.cause, `${path}.cause`]);
    } else {
      for (const k of Object.keys(v)) {
        queue.push([
          /** @type {Record<string, unknown>} */ (v)[k],
          Array.isArray(v)
            ? `${path}[${k}]`
            : /^[A-Za-z_$][\w$]*$/.test(k)
              ? `${path}.${k}`
              : `${path}[${JSON.stringify(k)}]`,
        ]);
      }
    }
  }
  return rootPath;
}

/**
 * @param {unknown} k
 * @returns {string}
 */
function preview(k) {
  if (typeof k === 'string') return JSON.stringify(k.length > 20 ? `${k.slice(0, 17)}...` : k);
  if (typeof k === 'object' && k !== null) return k.constructor ? k.constructor.name : 'object';
  return String(k);
}
