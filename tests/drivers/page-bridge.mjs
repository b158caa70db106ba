// What the WebKit driver (tests/drivers/webkit.mjs) runs inside the page.
// WebDriver classic can only execute a script and get its JSON result back:
// it has no console or page-error events and no structured values. So every
// Execute Async Script it sends is EVALUATE_SCRIPT below, which
//  - installs, once per document, a bridge that wraps console.* and listens
//    to 'error' and 'unhandledrejection', buffering what it sees, and keeps
//    the evaluations in flight;
//  - starts an evaluation (or looks one up by id) and waits up to a slice of
//    time for it, then returns its outcome (if settled) and the buffered logs.
// The driver asks again after a slice that ended with the evaluation still
// running: no WebDriver request lasts long (a bench evaluate can take
// minutes) and console output reaches the test while the evaluation runs.
// Values cross in both directions through encodeValue/decodeValue, which keep
// what JSON loses (undefined, NaN, ±Infinity, -0, BigInt, Date, RegExp,
// Error, typed arrays, Map, Set, shared and cyclic references, the order of
// an object's keys).
//
// The functions are sent as their source text: they must not use anything
// from this module's scope.

/** A JSON-safe form of `value`; decodeValue turns it back. */
export function encodeValue(value) {
  const ids = new Map();
  const enc = (v) => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0) ? v : { $wp: 'number', v: Object.is(v, -0) ? '-0' : String(v) };
      case 'bigint':
        return { $wp: 'bigint', v: String(v) };
      case 'undefined':
      case 'function':
      case 'symbol':
        return { $wp: 'undefined' };
    }
    if (v === null) return null;
    if (ids.has(v)) return { $wp: 'ref', id: ids.get(v) };
    if (typeof v.toJSON === 'function' && !(v instanceof Date)) return enc(v.toJSON());
    const id = ids.size;
    ids.set(v, id);
    // [key, value] pairs, not an object: WebKit's WebDriver does not keep
    // the order of an object's keys, and a reference must come after the
    // value it refers to.
    const props = (o) => Object.keys(o).map((k) => [k, enc(o[k])]);
    if (Array.isArray(v)) return { $wp: 'array', id, v: Array.from(v, enc) };
    if (v instanceof Date) return { $wp: 'date', id, v: v.getTime() };
    if (v instanceof RegExp) return { $wp: 'regexp', id, source: v.source, flags: v.flags };
    if (v instanceof Error) {
      return { $wp: 'error', id, name: v.name, message: v.message, stack: v.stack, v: props(v) };
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      return { $wp: 'typed', id, kind: v.constructor.name, v: Array.from(v, enc) };
    }
    if (v instanceof ArrayBuffer) return { $wp: 'typed', id, kind: 'ArrayBuffer', v: Array.from(new Uint8Array(v)) };
    if (v instanceof Map) return { $wp: 'map', id, v: Array.from(v, ([k, x]) => [enc(k), enc(x)]) };
    if (v instanceof Set) return { $wp: 'set', id, v: Array.from(v, enc) };
    return { $wp: 'object', id, v: props(v) };
  };
  return enc(value);
}

/** The value encodeValue encoded (in the realm that runs this). */
export function decodeValue(encoded) {
  const refs = new Map();
  const define = (o, k, x) =>
    Object.defineProperty(o, k, { value: x, enumerable: true, writable: true, configurable: true });
  const dec = (e) => {
    if (e === null || typeof e !== 'object') return e;
    let out;
    switch (e.$wp) {
      case 'undefined':
        return undefined;
      case 'number':
        return Number(e.v);
      case 'bigint':
        return BigInt(e.v);
      case 'ref':
        return refs.get(e.id);
      case 'array':
        out = [];
        refs.set(e.id, out);
        for (const x of e.v) out.push(dec(x));
        return out;
      case 'date':
        out = new Date(e.v);
        break;
      case 'regexp':
        out = new RegExp(e.source, e.flags);
        break;
      case 'error': {
        const known = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
        out = new (known[e.name] ?? Error)(e.message);
        refs.set(e.id, out);
        if (out.name !== e.name) define(out, 'name', e.name);
        // JavaScriptCore and SpiderMonkey stacks are the frames alone: lead
        // with the name and message as V8's do, so a printed error says what it is.
        const head = `${e.name}: ${e.message}`;
        if (e.stack !== undefined) out.stack = e.stack.startsWith(head) ? e.stack : `${head}\n${e.stack}`;
        for (const [k, x] of e.v) define(out, k, dec(x));
        return out;
      }
      case 'typed':
        out =
          e.kind === 'ArrayBuffer'
            ? new Uint8Array(e.v).buffer
            : new (globalThis[e.kind] ?? Float64Array)(e.v.map((x) => dec(x)));
        break;
      case 'map':
        out = new Map();
        refs.set(e.id, out);
        for (const [k, x] of e.v) out.set(dec(k), dec(x));
        return out;
      case 'set':
        out = new Set();
        refs.set(e.id, out);
        for (const x of e.v) out.add(dec(x));
        return out;
      case 'object':
        out = {};
        refs.set(e.id, out);
        for (const [k, x] of e.v) define(out, k, dec(x));
        return out;
      default:
        throw new TypeError(`not an encoded value: ${JSON.stringify(e).slice(0, 80)}`);
    }
    refs.set(e.id, out);
    return out;
  };
  return dec(encoded);
}

/**
 * The page's bridge, installed once per document: console messages and
 * uncaught errors buffered as { kind: 'console', type, text } and
 * { kind: 'pageerror', error: { name, message, stack } }, and the evaluations
 * in flight. Kept under a symbol, out of the page's own names.
 */
export function installBridge() {
  const key = Symbol.for('wasmpool.webdriver-bridge');
  if (globalThis[key]) return globalThis[key];
  const logs = [];
  const show = (a) => {
    if (typeof a === 'string') return a;
    if (a instanceof Error) return `${a.name}: ${a.message}`;
    if (a === undefined || typeof a === 'function' || typeof a === 'symbol' || typeof a === 'bigint') return String(a);
    try {
      return JSON.stringify(a) ?? String(a);
    } catch {
      return String(a);
    }
  };
  // The text the browser would show: printf-style substitutions of a leading
  // format string, then the remaining arguments separated by spaces.
  const format = (args) => {
    const rest = [...args];
    let head = '';
    if (typeof rest[0] === 'string' && rest[0].includes('%')) {
      head = rest.shift().replace(/%([sdifoOc%])/g, (m, c) => {
        if (c === '%') return '%';
        if (rest.length === 0) return m;
        const a = rest.shift();
        if (c === 'c') return '';
        if (c === 'd' || c === 'i') return String(Number.parseInt(a, 10));
        if (c === 'f') return String(Number(a));
        return show(a);
      });
      return [head, ...rest.map(show)].join(' ');
    }
    return rest.map(show).join(' ');
  };
  const errorOf = (e) =>
    e instanceof Error
      ? { name: e.name, message: e.message, stack: e.stack }
      : { name: 'Error', message: show(e), stack: undefined };
  // Console types as playwright names them ('warning', not 'warn').
  const TYPES = { log: 'log', info: 'info', warn: 'warning', error: 'error', debug: 'debug', trace: 'trace' };
  for (const [method, type] of Object.entries(TYPES)) {
    const original = console[method];
    console[method] = function (...args) {
      try {
        logs.push({ kind: 'console', type, text: format(args) });
      } catch {}
      return original.apply(this, args);
    };
  }
  const originalAssert = console.assert;
  console.assert = function (condition, ...args) {
    if (!condition) logs.push({ kind: 'console', type: 'assert', text: `Assertion failed: ${format(args)}` });
    return originalAssert.call(this, condition, ...args);
  };
  addEventListener('error', (e) => {
    logs.push({ kind: 'pageerror', error: e.error instanceof Error ? errorOf(e.error) : errorOf(e.message) });
  });
  addEventListener('unhandledrejection', (e) => logs.push({ kind: 'pageerror', error: errorOf(e.reason) }));
  globalThis[key] = { logs, evaluations: new Map() };
  return globalThis[key];
}

/**
 * The body of every Execute Async Script. Arguments: the evaluation's id;
 * the function's source to start it, or null to wait for one started
 * earlier; its argument (encoded); the slice to wait, in ms. Answers
 * { outcome, logs }: outcome is null while the evaluation runs, else
 * { ok, value } or { ok: false, error } (encoded); { lost: true } if no such
 * evaluation (the document changed since it started).
 */
export const EVALUATE_SCRIPT = `
const done = arguments[arguments.length - 1];
const [id, source, arg, sliceMs] = arguments;
const encodeValue = ${encodeValue};
const decodeValue = ${decodeValue};
const bridge = (${installBridge})();
const answer = (outcome) => done({ outcome, logs: bridge.logs.splice(0) });
const settle = (ok, v) => {
  try {
    return ok ? { ok, value: encodeValue(v) } : { ok, error: encodeValue(v) };
  } catch (e) {
    return { ok: false, error: encodeValue(new Error('the result cannot be sent back: ' + (e && e.message))) };
  }
};
try {
  if (source !== null) {
    const entry = { outcome: null };
    entry.settled = (async () => (0, eval)('(' + source + ')')(decodeValue(arg)))().then(
      (v) => { entry.outcome = settle(true, v); },
      (e) => { entry.outcome = settle(false, e); },
    );
    bridge.evaluations.set(id, entry);
  }
  const entry = bridge.evaluations.get(id);
  if (!entry) {
    answer({ lost: true });
  } else {
    let timer;
    Promise.race([entry.settled, new Promise((r) => { timer = setTimeout(r, sliceMs); })]).then(() => {
      clearTimeout(timer);
      if (entry.outcome) bridge.evaluations.delete(id);
      answer(entry.outcome);
    });
  }
} catch (e) {
  answer(settle(false, e));
}
`;
