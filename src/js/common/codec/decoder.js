// decode: bytes made by the Encoder back to values (the format is in tags.js).

import { CloneError } from './errors.js';
import * as tags from './tags.js';

// Local constants, not the imported bindings: V8 does not constant-fold
// imports, and a switch over them cannot become a jump table (decoding ~15%
// slower).
const {
  EXTERNAL_BUFFER,
  T_ARRAY,
  T_NUMBERS,
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
  VIEWS,
} = tags;

// Error classes rebuilt by name; any other name becomes an Error with that name.
/** @type {Record<string, { prototype: Error }>} */
const ERRORS = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
if (typeof AggregateError === 'function') ERRORS.AggregateError = AggregateError;

const utf8Decoder = new TextDecoder();

// Multi-byte numbers are read byte by byte (a float through this scratch),
// never through a DataView on the input: a DataView needs `bytes.buffer`, and
// V8 keeps typed arrays of up to 64 bytes on its heap, so asking one for its
// buffer moves it off the heap first (a fifth of a no-op round trip's JS on
// the message transport, whose tasks' bytes are such arrays). Wire order is
// little-endian, as every browser's.
const f64Scratch = new Float64Array(1);
const f64ScratchBytes = new Uint8Array(f64Scratch.buffer);

/**
 * Decodes bytes made by Encoder. `bytes` may be a view on shared memory: every
 * decoded buffer is a private copy, except by-reference values, which are
 * rebuilt on `externalBuffer(id)`.
 *
 * @param {Uint8Array} bytes
 * @param {object} [options]
 * @param {ExternalBuffer} [options.externalBuffer] the buffer by-reference values with this id live in
 * @returns {unknown}
 */
export function decode(bytes, { externalBuffer } = {}) {
  const r = new Reader(bytes, externalBuffer);
  return r.value();
}

/** @typedef {(id: number) => ArrayBufferLike | undefined} ExternalBuffer */

class Reader {
  /**
   * @param {Uint8Array} bytes
   * @param {ExternalBuffer | undefined} externalBuffer
   */
  constructor(bytes, externalBuffer) {
    this.b = bytes;
    this.p = 0;
    /** @type {unknown[]} the objects decoded so far, for REF */
    this.refs = [];
    this.externalBuffer = externalBuffer;
  }
  u8() {
    return this.b[this.p++];
  }
  i32() {
    const b = this.b;
    const p = this.p;
    this.p = p + 4;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
  }
  u32() {
    return this.i32() >>> 0;
  }
  f64() {
    const b = this.b;
    const p = this.p;
    for (let i = 0; i < 8; i++) f64ScratchBytes[i] = b[p + i];
    this.p = p + 8;
    return f64Scratch[0];
  }
  string() {
    const n = this.u32();
    const b = this.b;
    const start = this.p;
    this.p += n;
    if (n < 64) {
      let s = '';
      for (let i = start; i < start + n; i++) {
        const c = b[i];
        if (c >= 0x80) return utf8Decoder.decode(b.slice(start, start + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    // TextDecoder refuses views on shared memory; slice() copies to a private buffer.
    return utf8Decoder.decode(b.slice(start, start + n));
  }
  /** @param {number} n bytes */
  copy(n) {
    const out = this.b.slice(this.p, this.p + n);
    this.p += n;
    return out.buffer;
  }
  // One switch over the tag byte, which V8 compiles to a jump table: scalars
  // are decoded in place, everything else by a method of this (only) class,
  // so every call site stays monomorphic and small methods get inlined.
  value() {
    const tag = this.u8();
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT:
        return this.i32();
      case T_FLOAT:
        return this.f64();
      case T_STRING:
        return this.string();
      case T_BIGINT:
        return this.bigint();
      case T_ARRAY:
        return this.array();
      case T_NUMBERS:
        return this.numbers();
      case T_OBJECT:
        return this.object();
      case T_MAP:
        return this.map();
      case T_SET:
        return this.set();
      case T_DATE:
        return this.date();
      case T_REGEXP:
        return this.regexp();
      case T_BUFFER:
        return this.buffer();
      case T_VIEW:
        return this.view();
      case T_ERROR:
        return this.error();
      case T_REF:
        return this.refs[this.u32()];
      case T_EXTERNAL:
        return this.external();
    }
    throw new CloneError(`corrupt message: unknown tag ${tag} at byte ${this.p - 1}`, 'value', 'CORRUPT_MESSAGE');
  }

  // Each method below reads the payload of its tag (tags.js), the tag byte
  // already read. Objects are added to `refs` before their contents, so that
  // REF can point back to a container from inside it (cycles).

  bigint() {
    const s = this.string();
    return s[0] === '-' ? -BigInt(`0x${s.slice(1)}`) : BigInt(`0x${s}`);
  }
  array() {
    const n = this.u32();
    const a = new Array(n);
    this.refs.push(a);
    for (let i = 0; i < n; i++) a[i] = this.value();
    return a;
  }
  numbers() {
    const n = this.u32();
    this.p += (8 - (this.p & 7)) & 7;
    const a = new Array(n);
    this.refs.push(a);
    const at = this.b.byteOffset + this.p;
    if ((at & 7) === 0 && n >= 8) {
      // Over 64 bytes: the input is off V8's heap already (above).
      const f64 = new Float64Array(this.b.buffer, at, n);
      for (let i = 0; i < n; i++) a[i] = f64[i];
      this.p += n * 8;
    } else {
      // Few, or the message was copied to an unaligned place: number by number.
      for (let i = 0; i < n; i++) a[i] = this.f64();
    }
    return a;
  }
  object() {
    const n = this.u32();
    /** @type {Record<string, unknown>} */
    const o = {};
    this.refs.push(o);
    for (let i = 0; i < n; i++) {
      const k = this.string();
      const v = this.value();
      if (k === '__proto__') {
        Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      } else o[k] = v;
    }
    return o;
  }
  map() {
    const n = this.u32();
    const m = new Map();
    this.refs.push(m);
    for (let i = 0; i < n; i++) {
      const k = this.value();
      m.set(k, this.value());
    }
    return m;
  }
  set() {
    const n = this.u32();
    const s = new Set();
    this.refs.push(s);
    for (let i = 0; i < n; i++) s.add(this.value());
    return s;
  }
  date() {
    const d = new Date(this.f64());
    this.refs.push(d);
    return d;
  }
  regexp() {
    const slot = this.refs.push(null) - 1;
    const source = this.string();
    const re = new RegExp(source, this.string());
    this.refs[slot] = re;
    return re;
  }
  buffer() {
    const buf = this.copy(this.u32());
    this.refs.push(buf);
    return buf;
  }
  view() {
    const C = VIEWS[this.u8()];
    const n = this.u32();
    const buf = this.copy(n);
    // (Every class but DataView has BYTES_PER_ELEMENT.)
    const view = C === DataView ? new DataView(buf) : new C(buf, 0, n / /** @type {number} */ (C.BYTES_PER_ELEMENT));
    this.refs.push(view);
    return view;
  }
  // A view or buffer by reference: rebuilt on the caller's buffer `id`, not copied.
  external() {
    const kind = this.u8();
    const id = this.u32();
    const offset = this.u32();
    const length = this.u32();
    const buffer = this.externalBuffer ? this.externalBuffer(id) : undefined;
    if (!buffer) throw new CloneError(`shared buffer #${id} is not known here`, 'value', 'UNKNOWN_BUFFER');
    const out = kind === EXTERNAL_BUFFER ? buffer : new VIEWS[kind](buffer, offset, length);
    this.refs.push(out);
    return out;
  }
  // An Error of the same class (by name) with the same message, stack, cause
  // and errors, as own non-enumerable properties like a thrown one's.
  error() {
    const slot = this.refs.push(null) - 1;
    const name = this.string();
    const message = this.string();
    const C = ERRORS[name] || Error;
    const e = Object.create(C.prototype);
    this.refs[slot] = e;
    Object.defineProperty(e, 'message', { value: message, writable: true, configurable: true });
    if (!(name in ERRORS) || C.prototype.name !== name) {
      Object.defineProperty(e, 'name', { value: name, writable: true, configurable: true });
    }
    const stack = this.value();
    Object.defineProperty(e, 'stack', { value: stack ?? `${name}: ${message}`, writable: true, configurable: true });
    if (this.u8()) Object.defineProperty(e, 'cause', { value: this.value(), writable: true, configurable: true });
    if (this.u8()) Object.defineProperty(e, 'errors', { value: this.value(), writable: true, configurable: true });
    return e;
  }
}
