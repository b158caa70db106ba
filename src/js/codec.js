// The argument/result codec: structured-clone-family values to bytes and back.
//
// It is on the hot path of every task (arguments encoded on the page, decoded
// in a worker; results the other way), so the common case is cheap: one
// reusable scratch buffer per Encoder, int32 and ASCII fast paths, and no
// path bookkeeping while encoding (when a value cannot be sent, a second,
// slow walk finds where it is, for the error message).
//
// Supported: undefined, null, booleans, numbers (-0, NaN, ±Infinity), strings,
// BigInt, Arrays, plain objects (prototype Object.prototype or null; own
// enumerable string keys), Map, Set, Date, RegExp, ArrayBuffer, typed arrays,
// DataView, Error and its standard subclasses (name, message, stack, cause,
// AggregateError#errors). Repeated references and cycles keep their identity.
// By reference (no copy): views and buffers for which `externalRef` returns an
// id (the pool's shared allocations).
// Rejected with CloneError (a TypeError naming the path): functions, symbols,
// WeakMap/WeakSet/WeakRef, Promise, class instances, DOM nodes, and
// SharedArrayBuffers the pool does not know.

const T_UNDEFINED = 0, T_NULL = 1, T_FALSE = 2, T_TRUE = 3, T_INT = 4, T_FLOAT = 5, T_STRING = 6, T_BIGINT = 7;
const T_ARRAY = 8, T_OBJECT = 9, T_MAP = 10, T_SET = 11, T_DATE = 12, T_REGEXP = 13, T_BUFFER = 14, T_VIEW = 15;
const T_ERROR = 16, T_REF = 17, T_EXTERNAL = 18;

const VIEWS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
];
if (typeof Float16Array === 'function') VIEWS.push(Float16Array);
const VIEW_KIND = new Map(VIEWS.map((C, i) => [C, i]));
const EXTERNAL_BUFFER = 255; // kind byte of a by-reference (Shared)ArrayBuffer

const ERRORS = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
if (typeof AggregateError === 'function') ERRORS.AggregateError = AggregateError;

const hasSAB = typeof SharedArrayBuffer === 'function';
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** A value cannot be sent to (or from) a worker. `path` says where it is. */
export class CloneError extends TypeError {
  constructor(message, path) {
    super(message);
    this.name = 'CloneError';
    this.path = path;
  }
}

// Thrown while encoding; turned into a CloneError with a path afterwards.
class Unsendable {
  constructor(value, reason) {
    this.value = value;
    this.reason = reason;
  }
}

export class Encoder {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  #refs = new Map();
  #externalRef;

  constructor({ externalRef } = {}) {
    this.#externalRef = externalRef;
  }

  /** Encodes `value`. The returned bytes are valid until the next call. */
  encode(value, rootPath = 'value') {
    this.#pos = 0;
    try {
      this.#value(value);
    } catch (e) {
      if (!(e instanceof Unsendable)) throw e;
      const path = findPath(value, e.value, rootPath);
      throw new CloneError(cloneMessage(e, path, rootPath === 'result' ? 'back to the page' : 'to a worker'), path);
    } finally {
      if (this.#refs.size) this.#refs.clear();
    }
    return this.#buf.subarray(0, this.#pos);
  }

  /** Encodes an argument list; error paths read `args[0]`, `args[1].x`, ... */
  encodeArgs(args) {
    return this.encode(args, 'args');
  }

  #reserve(n) {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
  #u8(x) {
    this.#reserve(1);
    this.#buf[this.#pos++] = x;
  }
  #u32(x) {
    this.#reserve(4);
    this.#view.setUint32(this.#pos, x, true);
    this.#pos += 4;
  }
  #f64(x) {
    this.#reserve(8);
    this.#view.setFloat64(this.#pos, x, true);
    this.#pos += 8;
  }
  #bytes(u8) {
    this.#reserve(u8.length);
    this.#buf.set(u8, this.#pos);
    this.#pos += u8.length;
  }

  #string(s) {
    const n = s.length;
    this.#reserve(5 + n * 3);
    const buf = this.#buf;
    const start = this.#pos + 4;
    let i = 0;
    // ASCII fast path: most keys and short strings never reach TextEncoder.
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[start + i] = c;
    }
    let len = i;
    if (i < n) len = i + utf8Encoder.encodeInto(s.slice(i), buf.subarray(start + i)).written;
    this.#view.setUint32(this.#pos, len, true);
    this.#pos = start + len;
  }

  #value(v) {
    switch (typeof v) {
      case 'number':
        if ((v | 0) === v && !(v === 0 && 1 / v < 0)) {
          this.#reserve(5);
          this.#buf[this.#pos++] = T_INT;
          this.#view.setInt32(this.#pos, v, true);
          this.#pos += 4;
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
        throw new Unsendable(v, 'functions cannot be cloned; pass data, or name a function exported by a task module');
      case 'symbol':
        throw new Unsendable(v, 'symbols cannot be cloned');
    }
    throw new Unsendable(v, `values of type ${typeof v} cannot be cloned`);
  }

  #object(o) {
    const seen = this.#refs.get(o);
    if (seen !== undefined) {
      this.#u8(T_REF);
      this.#u32(seen);
      return;
    }
    this.#refs.set(o, this.#refs.size);
    if (Array.isArray(o)) {
      const n = o.length;
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
        this.#value(o[k]);
      }
      return;
    }
    if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer || (hasSAB && o instanceof SharedArrayBuffer)) return this.#binary(o);
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
    if (o instanceof Error) {
      this.#u8(T_ERROR);
      this.#string(String(o.name));
      this.#string(String(o.message));
      this.#value(typeof o.stack === 'string' ? o.stack : undefined);
      const hasCause = Object.prototype.hasOwnProperty.call(o, 'cause');
      this.#u8(hasCause ? 1 : 0);
      if (hasCause) this.#value(o.cause);
      const errors = typeof AggregateError === 'function' && o instanceof AggregateError && Array.isArray(o.errors);
      this.#u8(errors ? 1 : 0);
      if (errors) this.#value(o.errors);
      return;
    }
    const name = proto && proto.constructor && proto.constructor.name;
    if (o instanceof Promise) throw new Unsendable(o, 'promises cannot be cloned; await the value first');
    if (o instanceof WeakMap || o instanceof WeakSet || (typeof WeakRef === 'function' && o instanceof WeakRef)) {
      throw new Unsendable(o, `a ${name} cannot be cloned`);
    }
    throw new Unsendable(
      o,
      `an instance of ${name || 'a class'} would lose its class; only plain objects, arrays, Map, Set, Date, RegExp, Error, ` +
        'ArrayBuffer and typed arrays can be sent: convert it to a plain object',
    );
  }

  #binary(o) {
    const id = this.#externalRef ? this.#externalRef(o) : undefined;
    const isView = ArrayBuffer.isView(o);
    if (id !== undefined) {
      this.#u8(T_EXTERNAL);
      this.#u8(isView ? VIEW_KIND.get(o.constructor) ?? 1 : EXTERNAL_BUFFER);
      this.#u32(id);
      this.#u32(isView ? o.byteOffset : 0);
      this.#u32(isView ? (o instanceof DataView ? o.byteLength : o.length) : o.byteLength);
      return;
    }
    const buffer = isView ? o.buffer : o;
    if (hasSAB && buffer instanceof SharedArrayBuffer) {
      throw new Unsendable(
        o,
        'it is backed by a SharedArrayBuffer that is not registered with the pool; allocate it with pool.alloc() or pass a plain ArrayBuffer',
      );
    }
    if (!isView) {
      this.#u8(T_BUFFER);
      this.#u32(o.byteLength);
      this.#bytes(new Uint8Array(o));
      return;
    }
    const kind = VIEW_KIND.get(o.constructor);
    if (kind === undefined) throw new Unsendable(o, `a ${o.constructor.name} cannot be cloned`);
    this.#u8(T_VIEW);
    this.#u8(kind);
    this.#u32(o.byteLength);
    this.#bytes(new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
  }
}

/**
 * Decodes bytes made by Encoder. `bytes` may be a view on shared memory: every
 * decoded buffer is a private copy, except by-reference values, which are
 * rebuilt on `externalBuffer(id)`.
 */
export function decode(bytes, { externalBuffer } = {}) {
  const r = new Reader(bytes, externalBuffer);
  return r.value();
}

class Reader {
  constructor(bytes, externalBuffer) {
    this.b = bytes;
    this.v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.p = 0;
    this.refs = [];
    this.externalBuffer = externalBuffer;
  }
  u8() {
    return this.b[this.p++];
  }
  u32() {
    const x = this.v.getUint32(this.p, true);
    this.p += 4;
    return x;
  }
  f64() {
    const x = this.v.getFloat64(this.p, true);
    this.p += 8;
    return x;
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
  copy(n) {
    const out = this.b.slice(this.p, this.p + n);
    this.p += n;
    return out.buffer;
  }
  value() {
    const tag = this.u8();
    switch (tag) {
      case T_UNDEFINED: return undefined;
      case T_NULL: return null;
      case T_FALSE: return false;
      case T_TRUE: return true;
      case T_INT: {
        const x = this.v.getInt32(this.p, true);
        this.p += 4;
        return x;
      }
      case T_FLOAT: return this.f64();
      case T_STRING: return this.string();
      case T_BIGINT: {
        const s = this.string();
        return s[0] === '-' ? -BigInt('0x' + s.slice(1)) : BigInt('0x' + s);
      }
      case T_ARRAY: {
        const n = this.u32();
        const a = new Array(n);
        this.refs.push(a);
        for (let i = 0; i < n; i++) a[i] = this.value();
        return a;
      }
      case T_OBJECT: {
        const n = this.u32();
        const o = {};
        this.refs.push(o);
        for (let i = 0; i < n; i++) {
          const k = this.string();
          const v = this.value();
          if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
          else o[k] = v;
        }
        return o;
      }
      case T_MAP: {
        const n = this.u32();
        const m = new Map();
        this.refs.push(m);
        for (let i = 0; i < n; i++) {
          const k = this.value();
          m.set(k, this.value());
        }
        return m;
      }
      case T_SET: {
        const n = this.u32();
        const s = new Set();
        this.refs.push(s);
        for (let i = 0; i < n; i++) s.add(this.value());
        return s;
      }
      case T_DATE: {
        const d = new Date(this.f64());
        this.refs.push(d);
        return d;
      }
      case T_REGEXP: {
        const slot = this.refs.push(null) - 1;
        const source = this.string();
        const re = new RegExp(source, this.string());
        this.refs[slot] = re;
        return re;
      }
      case T_BUFFER: {
        const buf = this.copy(this.u32());
        this.refs.push(buf);
        return buf;
      }
      case T_VIEW: {
        const C = VIEWS[this.u8()];
        const n = this.u32();
        const buf = this.copy(n);
        const view = C === DataView ? new DataView(buf) : new C(buf, 0, n / C.BYTES_PER_ELEMENT);
        this.refs.push(view);
        return view;
      }
      case T_ERROR: {
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
      case T_REF: return this.refs[this.u32()];
      case T_EXTERNAL: {
        const kind = this.u8();
        const id = this.u32();
        const offset = this.u32();
        const length = this.u32();
        const buffer = this.externalBuffer ? this.externalBuffer(id) : undefined;
        if (!buffer) throw new CloneError(`shared buffer #${id} is not known here`, 'value');
        const out = kind === EXTERNAL_BUFFER ? buffer : new VIEWS[kind](buffer, offset, length);
        this.refs.push(out);
        return out;
      }
    }
    throw new CloneError(`corrupt message: unknown tag ${tag} at byte ${this.p - 1}`, 'value');
  }
}

function cloneMessage(e, path, direction) {
  const what =
    typeof e.value === 'function' ? `a function${e.value.name ? ` (${e.value.name})` : ''}` :
    typeof e.value === 'symbol' ? `a symbol (${String(e.value)})` :
    e.value && e.value.constructor ? `a ${e.value.constructor.name}` : `a ${typeof e.value}`;
  return `Cannot send ${what} at ${path} ${direction}: ${e.reason}`;
}

// The slow path: where in `root` is `target`? (Breadth-first, cycle-safe.)
function findPath(root, target, rootPath) {
  const seen = new Set();
  const queue = [[root, rootPath]];
  while (queue.length) {
    const [v, path] = queue.shift();
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
        queue.push([v[k], Array.isArray(v) ? `${path}[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`]);
      }
    }
  }
  return rootPath;
}

function preview(k) {
  if (typeof k === 'string') return JSON.stringify(k.length > 20 ? k.slice(0, 17) + '...' : k);
  if (typeof k === 'object' && k !== null) return k.constructor ? k.constructor.name : 'object';
  return String(k);
}
