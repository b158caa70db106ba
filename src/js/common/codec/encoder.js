// Encoder: structured-clone-family values to bytes (the format is in tags.js).
//
// It is on the hot path of every task (arguments encoded on the page, results
// in a worker), so the common case is cheap: one reusable scratch buffer per
// Encoder, int32 and ASCII fast paths, and no path bookkeeping while encoding
// (when a value cannot be sent, a second, slow walk finds where it is, for the
// error message: errors.js).

import { cloneErrorFor, Unsendable } from './errors.js';
import * as tags from './tags.js';

// Local constants, not the imported bindings: V8 does not constant-fold
// imports, and a switch over them cannot become a jump table (decoding ~15%
// slower, in a switch of the same shape as here).
const {
  EXTERNAL_BUFFER,
  T_ARRAY,
  T_NUMBERS,
  NUMBERS_MIN,
  T_BIGINT,
  T_BUFFER,
  T_DATE,
  T_ERROR,
  T_EXTERNAL,
  T_FALSE,
  T_FLOAT,
  T_INT,
  T_MAP,
  T_NULL,
  T_OBJECT,
  T_REF,
  T_REGEXP,
  T_SET,
  T_STRING,
  T_TRUE,
  T_UNDEFINED,
  T_VIEW,
  VIEW_KIND,
} = tags;

const hasSAB = typeof SharedArrayBuffer === 'function';
const utf8Encoder = new TextEncoder();

export class Encoder {
  /**
   * `externalRef(value)` returns an id for views and buffers that travel by
   * reference (the pool's shared allocations), undefined for the rest.
   *
   * @param {object} [options]
   * @param {(value: ArrayBufferLike | ArrayBufferView) => number | undefined} [options.externalRef]
   */
  constructor({ externalRef } = {}) {
    this._buf = new Uint8Array(256);
    this._view = new DataView(this._buf.buffer);
    this._pos = 0;
    /** @type {Map<object, number>} */
    this._refs = new Map();
    this._externalRef = externalRef;
  }

  /**
   * Encodes `value`. The returned bytes are valid until the next call.
   *
   * @param {unknown} value
   * @param {string} [rootPath] how error messages name `value`
   * @returns {Uint8Array}
   */
  encode(value, rootPath = 'value') {
    this._pos = 0;
    try {
      this.#value(value);
    } catch (e) {
      if (!(e instanceof Unsendable)) throw e;
      throw cloneErrorFor(e, value, rootPath);
    } finally {
      if (this._refs.size) this._refs.clear();
    }
    return this._buf.subarray(0, this._pos);
  }

  /**
   * Encodes a task's result; one that cannot be sent becomes the CloneError
   * saying why (the task then fails with it). Returns `{ bytes, sendable }`;
   * the bytes are valid until the next call.
   *
   * @param {unknown} value
   * @returns {{ bytes: Uint8Array, sendable: boolean }}
   */
  encodeResult(value) {
    try {
      return { bytes: this.encode(value, 'result'), sendable: true };
    } catch (error) {
      return { bytes: this.encode(error, 'result'), sendable: false };
    }
  }

  /**
   * Encodes an argument list; error paths read `args[0]`, `args[1].x`, ...
   *
   * @param {unknown[]} args
   * @returns {Uint8Array}
   */
  encodeArgs(args) {
    return this.encode(args, 'args');
  }

  /** @param {number} n bytes the next writes need */
  #reserve(n) {
    if (this._pos + n <= this._buf.length) return;
    let size = this._buf.length * 2;
    while (size < this._pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this._buf.subarray(0, this._pos));
    this._buf = next;
    this._view = new DataView(next.buffer);
  }
  /** @param {number} x */
  #u8(x) {
    this.#reserve(1);
    this._buf[this._pos++] = x;
  }
  /** @param {number} x */
  #u32(x) {
    this.#reserve(4);
    this._view.setUint32(this._pos, x, true);
    this._pos += 4;
  }
  /** @param {number} x */
  #f64(x) {
    this.#reserve(8);
    this._view.setFloat64(this._pos, x, true);
    this._pos += 8;
  }
  /** @param {Uint8Array} u8 */
  #bytes(u8) {
    this.#reserve(u8.length);
    this._buf.set(u8, this._pos);
    this._pos += u8.length;
  }

  /** @param {string} s */
  #string(s) {
    const n = s.length;
    this.#reserve(5 + n * 3);
    const buf = this._buf;
    const start = this._pos + 4;
    let i = 0;
    // ASCII fast path: most keys and short strings never reach TextEncoder.
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[start + i] = c;
    }
    let len = i;
    if (i < n) len = i + utf8Encoder.encodeInto(s.slice(i), buf.subarray(start + i)).written;
    this._view.setUint32(this._pos, len, true);
    this._pos = start + len;
  }

  /** @param {unknown} v */
  #value(v) {
    switch (typeof v) {
      case 'number':
        if ((v | 0) === v && !(v === 0 && 1 / v < 0)) {
          this.#reserve(5);
          this._buf[this._pos++] = T_INT;
          this._view.setInt32(this._pos, v, true);
          this._pos += 4;
        } else {
          this.#u8(T_FLOAT);
          this.#f64(v);
        }
        return;
      case 'string':
        this.#u8(T_STRING);
        this.#string(v);
        return;
      case 'boolean':
        this.#u8(v ? T_TRUE : T_FALSE);
        return;
      case 'undefined':
        this.#u8(T_UNDEFINED);
        return;
      case 'bigint':
        this.#u8(T_BIGINT);
        this.#string(v.toString(16));
        return;
      case 'object':
        if (v === null) {
          this.#u8(T_NULL);
          return;
        }
        return this.#object(v);
      case 'function':
        throw new Unsendable(
          v,
          'functions cannot be cloned; pass data, or name a function exported by a task module',
          'FUNCTION',
        );
      case 'symbol':
        throw new Unsendable(v, 'symbols cannot be cloned', 'SYMBOL');
    }
    throw new Unsendable(v, `values of type ${typeof v} cannot be cloned`, 'UNSUPPORTED_TYPE');
  }

  // NUMBERS: the f64s are written through an aligned Float64Array (the
  // encoder's buffer starts at offset 0, and the padding makes the position
  // a multiple of 8); little-endian, as every engine wasm runs on is.
  /**
   * @param {number[]} o
   * @param {number} n its length
   */
  #numbers(o, n) {
    const pad = (8 - ((this._pos + 5) & 7)) & 7;
    this.#reserve(5 + pad + n * 8);
    this._buf[this._pos++] = T_NUMBERS;
    this._view.setUint32(this._pos, n, true);
    this._pos += 4;
    this._buf.fill(0, this._pos, this._pos + pad);
    this._pos += pad;
    // A loop, not set(o): V8's set() from an array of small integers takes
    // about three times as long.
    const f64 = new Float64Array(this._buf.buffer, this._pos, n);
    for (let i = 0; i < n; i++) f64[i] = o[i];
    this._pos += n * 8;
  }

  // Arrays and plain objects, the common case, are encoded here; binary data,
  // the other built-ins and the refusals each have their own method.
  /** @param {object} o */
  #object(o) {
    const seen = this._refs.get(o);
    if (seen !== undefined) {
      this.#u8(T_REF);
      this.#u32(seen);
      return;
    }
    this._refs.set(o, this._refs.size);
    if (Array.isArray(o)) {
      const n = o.length;
      if (n >= NUMBERS_MIN && allNumbers(o, n)) return this.#numbers(o, n);
      this.#u8(T_ARRAY);
      this.#u32(n);
      for (let i = 0; i < n; i++) this.#value(o[i]);
      return;
    }
    const proto = Object.getPrototypeOf(o);
    if (proto === Object.prototype || proto === null) {
      const keys = Object.keys(o);
      this.#u8(T_OBJECT);
      this.#u32(keys.length);
      for (const k of keys) {
        this.#string(k);
        this.#value(/** @type {Record<string, unknown>} */ (o)[k]);
      }
      return;
    }
    if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer || (hasSAB && o instanceof SharedArrayBuffer)) {
      return this.#binary(o);
    }
    return this.#builtin(o, proto);
  }

  /**
   * Map, Set, Date, RegExp and Error; anything else cannot be sent.
   *
   * @param {object} o
   * @param {object} proto its prototype
   */
  #builtin(o, proto) {
    if (o instanceof Map) {
      this.#u8(T_MAP);
      this.#u32(o.size);
      for (const [k, v] of o) {
        this.#value(k);
        this.#value(v);
      }
      return;
    }
    if (o instanceof Set) {
      this.#u8(T_SET);
      this.#u32(o.size);
      for (const v of o) this.#value(v);
      return;
    }
    if (o instanceof Date) {
      this.#u8(T_DATE);
      this.#f64(o.getTime());
      return;
    }
    if (o instanceof RegExp) {
      this.#u8(T_REGEXP);
      this.#string(o.source);
      this.#string(o.flags);
      return;
    }
    if (o instanceof Error) return this.#error(o);
    this.#refuse(o, proto);
  }

  /** @param {Error} o */
  #error(o) {
    this.#u8(T_ERROR);
    this.#string(String(o.name));
    this.#string(String(o.message));
    this.#value(typeof o.stack === 'string' ? stackWithHeader(o, o.stack) : undefined);
    // biome-ignore lint/suspicious/noPrototypeBuiltins: Object.hasOwn needs Chrome 93; the README promises 87+.
    const hasCause = Object.prototype.hasOwnProperty.call(o, 'cause');
    this.#u8(hasCause ? 1 : 0);
    if (hasCause) this.#value(o.cause);
    const errors = typeof AggregateError === 'function' && o instanceof AggregateError && Array.isArray(o.errors);
    this.#u8(errors ? 1 : 0);
    if (errors) this.#value(o.errors);
  }

  /**
   * Throws the Unsendable that says why `o` (of prototype `proto`) cannot be sent.
   *
   * @param {object} o
   * @param {object} proto
   */
  #refuse(o, proto) {
    const name = proto?.constructor?.name;
    if (o instanceof Promise) throw new Unsendable(o, 'promises cannot be cloned; await the value first', 'PROMISE');
    if (o instanceof WeakMap || o instanceof WeakSet || (typeof WeakRef === 'function' && o instanceof WeakRef)) {
      throw new Unsendable(o, `a ${name} cannot be cloned`, 'WEAK_REFERENCE');
    }
    throw new Unsendable(
      o,
      `an instance of ${name || 'a class'} would lose its class; only plain objects, arrays, Map, Set, Date, RegExp, Error, ` +
        'ArrayBuffer and typed arrays can be sent: convert it to a plain object',
      'CLASS_INSTANCE',
    );
  }

  /** @param {ArrayBufferLike | ArrayBufferView} o */
  #binary(o) {
    const id = this._externalRef ? this._externalRef(o) : undefined;
    const isView = ArrayBuffer.isView(o);
    if (id !== undefined) {
      this.#u8(T_EXTERNAL);
      this.#u8(isView ? (VIEW_KIND.get(o.constructor) ?? 1) : EXTERNAL_BUFFER);
      this.#u32(id);
      this.#u32(isView ? o.byteOffset : 0);
      // A typed array's length is in elements.
      this.#u32(isView ? (o instanceof DataView ? o.byteLength : /** @type {Uint8Array} */ (o).length) : o.byteLength);
      return;
    }
    const buffer = isView ? o.buffer : o;
    if (hasSAB && buffer instanceof SharedArrayBuffer) {
      throw new Unsendable(
        o,
        'it is backed by a SharedArrayBuffer that is not registered with the pool; pass a plain ArrayBuffer (copied), or allocate it with pool.alloc() (the shared transport only)',
        'UNREGISTERED_SHARED_BUFFER',
      );
    }
    if (!isView) {
      this.#u8(T_BUFFER);
      this.#u32(o.byteLength);
      this.#bytes(new Uint8Array(o));
      return;
    }
    const kind = VIEW_KIND.get(o.constructor);
    if (kind === undefined) throw new Unsendable(o, `a ${o.constructor.name} cannot be cloned`, 'UNSUPPORTED_VIEW');
    this.#u8(T_VIEW);
    this.#u8(kind);
    this.#u32(o.byteLength);
    this.#bytes(new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
  }
}

/**
 * Whether every element is a number (holes are not: they stay holes as ARRAY
 * elements read as undefined).
 *
 * @param {unknown[]} a
 * @param {number} n its length
 * @returns {a is number[]}
 */
function allNumbers(a, n) {
  for (let i = 0; i < n; i++) if (typeof a[i] !== 'number') return false;
  return true;
}

// V8's `stack` starts with the error's `name: message` and then its frames
// ("    at fn (file:1:2)"); SpiderMonkey's (Firefox) and JavaScriptCore's
// (Safari) are the frames alone ("fn@file:1:2"), so a task error re-created
// on the other side would show where it was thrown but not what it was. The
// stack travels V8-shaped from every engine: the header is added when missing.
/**
 * @param {Error} error
 * @param {string} stack its stack
 * @returns {string}
 */
function stackWithHeader(error, stack) {
  if (/^\s+at /m.test(stack)) return stack; // V8: it has its header
  let name;
  let message;
  try {
    name = String(error.name ?? 'Error');
    message = String(error.message ?? '');
  } catch {
    return stack;
  }
  const header = message ? `${name}: ${message}` : name;
  if (stack.startsWith(header)) return stack;
  return stack ? `${header}\n${stack}` : header;
}
