// The argument/result codec (src/js/common/codec): round trips, identity,
// shared-memory input, by-reference values, rejections with paths and codes,
// and a randomized property test.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloneError, decode, Encoder } from '../../src/js/common/codec/index.js';
import * as tags from '../../src/js/common/codec/tags.js';
import { Rng } from '../shared/rng.mjs';

const enc = new Encoder();
const roundTrip = (v) => decode(enc.encode(v));

test('primitives, strings and BigInt', () => {
  for (const v of [
    undefined,
    null,
    true,
    false,
    0,
    -0,
    1,
    -1,
    2 ** 31,
    -(2 ** 31) - 1,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    '',
    'ascii',
    'ü',
    '日本語 text',
    '😀 emoji',
    `${'x'.repeat(1000)}é`,
    0n,
    123n,
    -(2n ** 200n),
    2n ** 64n,
  ]) {
    assert.ok(Object.is(roundTrip(v), v), `round trip of ${String(v)}`);
  }
});

test('containers, dates, regexps, binary', () => {
  const v = {
    a: [1, 'two', { three: 3 }],
    m: new Map([
      [1, 'a'],
      ['k', { x: 1 }],
    ]),
    s: new Set([1, 'b']),
    d: new Date(1700000000000),
    bad: new Date(NaN),
    r: /ab+c/gi,
    buf: new Uint8Array([1, 2, 3]).buffer,
    f64: new Float64Array([1.5, -2]),
    i16: new Int16Array([1, -1]),
    big: new BigInt64Array([5n, -5n]),
    dv: new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2),
    nested: { 'weird key': null },
    nullProto: Object.assign(Object.create(null), { z: 1 }),
  };
  const out = roundTrip(v);
  assert.deepEqual(out.a, v.a);
  assert.deepEqual(out.m, v.m);
  assert.deepEqual(out.s, v.s);
  assert.equal(out.d.getTime(), v.d.getTime());
  assert.ok(Number.isNaN(out.bad.getTime()));
  assert.equal(out.r.source, 'ab+c');
  assert.equal(out.r.flags, 'gi');
  assert.deepEqual(new Uint8Array(out.buf), new Uint8Array([1, 2, 3]));
  assert.deepEqual(out.f64, v.f64);
  assert.deepEqual(out.i16, v.i16);
  assert.deepEqual(out.big, v.big);
  assert.deepEqual([...new Uint8Array(out.dv.buffer)], [8, 7]);
  assert.deepEqual(out.nested, v.nested);
  assert.equal(out.nullProto.z, 1);
});

test('errors keep class, name, message, stack, cause', () => {
  const cause = new RangeError('inner');
  const e = new TypeError('outer', { cause });
  const out = roundTrip(e);
  assert.ok(out instanceof TypeError);
  assert.equal(out.name, 'TypeError');
  assert.equal(out.message, 'outer');
  assert.equal(out.stack, e.stack);
  assert.ok(out.cause instanceof RangeError);
  assert.equal(out.cause.message, 'inner');
  class MyError extends Error {
    constructor(m) {
      super(m);
      this.name = 'MyError';
    }
  }
  const custom = roundTrip(new MyError('mine'));
  assert.equal(custom.name, 'MyError');
  assert.ok(custom instanceof Error);
  const agg = roundTrip(new AggregateError([new Error('a')], 'many'));
  assert.equal(agg.errors[0].message, 'a');
});

test('shared references and cycles keep their identity', () => {
  const shared = { x: 1 };
  const cyc = { shared, again: shared, list: [shared] };
  cyc.self = cyc;
  const out = roundTrip(cyc);
  assert.equal(out.self, out);
  assert.equal(out.shared, out.again);
  assert.equal(out.list[0], out.shared);
});

test('decodes from a view on a SharedArrayBuffer, into private copies', () => {
  const bytes = enc.encode([
    'héllo wörld, a longer string than sixty-four bytes for the slow path',
    new Uint8Array([5, 6]),
  ]);
  const sab = new SharedArrayBuffer(bytes.length + 16);
  const view = new Uint8Array(sab, 8, bytes.length);
  view.set(bytes);
  const out = decode(view);
  assert.match(out[0], /^héllo wörld/);
  assert.ok(!(out[1].buffer instanceof SharedArrayBuffer));
  view.fill(0);
  assert.deepEqual([...out[1]], [5, 6], 'decoded arrays do not alias the input');
});

test('by-reference values alias the registered buffer', () => {
  const sab = new SharedArrayBuffer(64);
  const arr = new Float64Array(sab, 8, 4);
  const e2 = new Encoder({ externalRef: (v) => ((v.buffer ?? v) === sab ? 7 : undefined) });
  const out = decode(e2.encode([arr]), { externalBuffer: (id) => (id === 7 ? sab : undefined) })[0];
  assert.ok(out instanceof Float64Array);
  assert.equal(out.length, 4);
  out[1] = 42;
  assert.equal(arr[1], 42);
});

test('unsendable values are CloneErrors (TypeErrors) naming their path, with a code', () => {
  class Point {
    constructor() {
      this.x = 1;
    }
  }
  class Bytes extends Uint8Array {}
  const cases = [
    [[1, { onDone() {} }], 'FUNCTION', 'args[1].onDone', /function \(onDone\) at args\[1\]\.onDone/],
    [[Symbol('s')], 'SYMBOL', 'args[0]', /symbol .* at args\[0\]/],
    [[{ 'weird key': new WeakMap() }], 'WEAK_REFERENCE', 'args[0]["weird key"]', /WeakMap at args\[0\]\["weird key"\]/],
    [[new WeakSet()], 'WEAK_REFERENCE', 'args[0]', /WeakSet at args\[0\]/],
    [[new Map([['k', Promise.resolve()]])], 'PROMISE', 'args[0].get("k")', /Promise at args\[0\]\.get\("k"\)/],
    [[new Point()], 'CLASS_INSTANCE', 'args[0]', /Point at args\[0\].*convert it to a plain object/],
    [[new Set([new Bytes(2)])], 'UNSUPPORTED_VIEW', 'args[0]<set entry 0>', /a Bytes cannot be cloned/],
    [
      [new Uint8Array(new SharedArrayBuffer(4))],
      'UNREGISTERED_SHARED_BUFFER',
      'args[0]',
      /SharedArrayBuffer that is not registered/,
    ],
  ];
  for (const [value, code, path, pattern] of cases) {
    assert.throws(
      () => enc.encodeArgs(value),
      (e) => {
        assert.ok(e instanceof TypeError && e instanceof CloneError, `${code}: ${e}`);
        assert.equal(e.name, 'CloneError');
        assert.equal(e.code, code);
        assert.equal(e.path, path);
        assert.match(e.message, pattern);
        return true;
      },
    );
  }
  // The encoder is still usable afterwards.
  assert.deepEqual(decode(enc.encodeArgs([1, 2])), [1, 2]);
});

test('an unsendable result says "back to the page"; any other root says "to a worker"', () => {
  assert.throws(() => enc.encode({ f() {} }, 'result'), {
    name: 'CloneError',
    code: 'FUNCTION',
    path: 'result.f',
    message: /^Cannot send a function \(f\) at result\.f back to the page: functions cannot be cloned/,
  });
  assert.throws(() => enc.encode([Symbol.iterator]), {
    code: 'SYMBOL',
    path: 'value[0]',
    message: 'Cannot send a symbol (Symbol(Symbol.iterator)) at value[0] to a worker: symbols cannot be cloned',
  });
});

test('decoding: an unknown by-reference buffer is UNKNOWN_BUFFER, bad bytes are CORRUPT_MESSAGE', () => {
  const sab = new SharedArrayBuffer(8);
  const bytes = new Encoder({ externalRef: (v) => ((v.buffer ?? v) === sab ? 3 : undefined) })
    .encode(new Int32Array(sab))
    .slice();
  assert.throws(() => decode(bytes), {
    name: 'CloneError',
    code: 'UNKNOWN_BUFFER',
    message: 'shared buffer #3 is not known here',
  });
  assert.throws(() => decode(bytes, { externalBuffer: () => undefined }), { code: 'UNKNOWN_BUFFER' });
  assert.throws(() => decode(new Uint8Array([tags.T_ARRAY, 1, 0, 0, 0, 200])), {
    name: 'CloneError',
    code: 'CORRUPT_MESSAGE',
    message: 'corrupt message: unknown tag 200 at byte 5',
  });
});

test('the wire format: one tag byte, then a little-endian payload', () => {
  const bytes = (v) => [...enc.encode(v)];
  assert.deepEqual(bytes(undefined), [tags.T_UNDEFINED]);
  assert.deepEqual(bytes(null), [tags.T_NULL]);
  assert.deepEqual(bytes(false), [tags.T_FALSE]);
  assert.deepEqual(bytes(true), [tags.T_TRUE]);
  assert.deepEqual(bytes(258), [tags.T_INT, 2, 1, 0, 0]);
  assert.deepEqual(bytes(-0).slice(0, 1), [tags.T_FLOAT], '-0 is not an int');
  assert.deepEqual(bytes('hé'), [tags.T_STRING, 3, 0, 0, 0, 0x68, 0xc3, 0xa9]);
  assert.deepEqual(bytes(-255n), [tags.T_BIGINT, 3, 0, 0, 0, 0x2d, 0x66, 0x66]);
  assert.deepEqual(bytes([7]), [tags.T_ARRAY, 1, 0, 0, 0, tags.T_INT, 7, 0, 0, 0]);
  const o = {};
  assert.deepEqual(bytes([o, o]), [tags.T_ARRAY, 2, 0, 0, 0, tags.T_OBJECT, 0, 0, 0, 0, tags.T_REF, 1, 0, 0, 0]);
  assert.deepEqual(bytes(new Uint16Array([1])), [tags.T_VIEW, tags.VIEW_KIND.get(Uint16Array), 2, 0, 0, 0, 1, 0]);
  const sab = new SharedArrayBuffer(16);
  const byRef = new Encoder({ externalRef: () => 9 });
  assert.deepEqual(
    [...byRef.encode(sab)],
    [tags.T_EXTERNAL, tags.EXTERNAL_BUFFER, 9, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0],
  );
  assert.deepEqual(
    [...byRef.encode(new Float64Array(sab, 8, 1))],
    [tags.T_EXTERNAL, tags.VIEW_KIND.get(Float64Array), 9, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0],
  );
  // Every tag is distinct, and no view kind collides with EXTERNAL_BUFFER.
  const tagValues = Object.entries(tags)
    .filter(([k]) => k.startsWith('T_'))
    .map(([, v]) => v);
  assert.equal(new Set(tagValues).size, tagValues.length);
  assert.ok(tags.VIEWS.length < tags.EXTERNAL_BUFFER);
});

test('the returned view is reused: copy before the next encode', () => {
  const a = enc.encode({ a: 1 }).slice();
  const b = enc.encode({ b: 2 });
  assert.deepEqual(decode(a), { a: 1 });
  assert.deepEqual(decode(b), { b: 2 });
});

test('randomized round trips (2,000 seeded cases)', () => {
  const rng = new Rng(12345);
  const rnd = () => rng.next();
  const gen = (depth) => {
    switch (rng.below(depth > 3 ? 6 : 10)) {
      case 0:
        return Math.floor(rnd() * 2 ** 32) - 2 ** 31;
      case 1:
        return rnd() * 1e6 - 5e5;
      case 2:
        return String.fromCharCode(...Array.from({ length: rng.below(20) }, () => rng.below(0xd7ff)));
      case 3:
        return rng.chance();
      case 4:
        return rng.chance() ? null : undefined;
      case 5:
        return BigInt(rng.below(1e9)) * (rng.chance() ? -1n : 1n) * 10n ** 20n;
      case 6:
        return Array.from({ length: rng.below(5) }, () => gen(depth + 1));
      case 7:
        return Object.fromEntries(Array.from({ length: rng.below(5) }, (_, i) => [`k${i}${rnd()}`, gen(depth + 1)]));
      case 8:
        return new Map(Array.from({ length: rng.below(4) }, () => [gen(depth + 1), gen(depth + 1)]));
      default:
        return new Float32Array(Array.from({ length: rng.below(6) }, () => Math.fround(rnd())));
    }
  };
  for (let i = 0; i < 2000; i++) {
    const v = gen(0);
    assert.deepEqual(roundTrip(v), v, `case ${i} of seed ${rng.seed}`);
  }
});

test('round trips stay correct over many reuses (speed printed, not asserted)', () => {
  for (const [label, v] of [
    ['[42]', [42]],
    ["[1.5,'hello',true]", [1.5, 'hello', true]],
    ['1,000 numbers', Array.from({ length: 1000 }, (_, i) => i * 1.5)],
  ]) {
    const n = label.startsWith('1,000') ? 5_000 : 500_000;
    const t = performance.now();
    let out;
    for (let i = 0; i < n; i++) out = decode(enc.encode(v));
    assert.deepEqual(out, v);
    console.log(
      `codec encode+decode ${label}: ${Math.round(n / ((performance.now() - t) / 1000)).toLocaleString('en')} ops/s`,
    );
  }
});

test('arrays of numbers travel packed (NUMBERS), exactly, at any alignment', () => {
  const ints = Array.from({ length: 100 }, (_, i) => i - 50);
  const special = [-0, 0, NaN, Infinity, -Infinity, 2 ** 53, -1.5e-300, 0.1, ...ints.slice(0, 10)];
  for (const a of [ints, special, ints.map((x) => x / 3)]) {
    const bytes = enc.encode([a, 'tail']).slice();
    assert.equal(bytes[5], tags.T_NUMBERS, 'a long array of numbers uses the packed tag (after ARRAY, length 2)');
    const [back, tail] = decode(bytes);
    assert.equal(tail, 'tail');
    assert.equal(back.length, a.length);
    for (let i = 0; i < a.length; i++) assert.ok(Object.is(back[i], a[i]), `element ${i}: ${back[i]} vs ${a[i]}`);
    // The same bytes copied to every offset modulo 8 (a message need not start aligned).
    for (let shift = 1; shift < 8; shift++) {
      const moved = new Uint8Array(bytes.length + shift);
      moved.set(bytes, shift);
      assert.deepEqual(decode(moved.subarray(shift)), [a, 'tail']);
    }
  }
  // Identity is kept: the same array twice is one array on the other side.
  const [x, y] = roundTrip([ints, ints]);
  assert.equal(x, y);
  // Not packed: short arrays, a non-number element, holes (they stay holes).
  for (const a of [
    [1, 2, 3],
    [...ints, 'x'],
    [...ints, undefined],
  ]) {
    const bytes = enc.encode(a).slice();
    assert.equal(bytes[0], tags.T_ARRAY);
    assert.deepEqual(decode(bytes), a);
  }
  const holey = new Array(40).fill(1);
  delete holey[7];
  const back = roundTrip(holey);
  assert.equal(back.length, 40);
  assert.equal(back[7], undefined);
});

test('small messages decode without asking the input for its buffer (V8 would move it off its heap)', () => {
  for (const v of [[], [1, -2, 2 ** 31, 1.5, -0, NaN], { a: 'x', b: [true, null] }, 'text', -7, 3.25, [1, 2, 3.5]]) {
    const bytes = enc.encode(v).slice();
    Object.defineProperty(bytes, 'buffer', {
      get() {
        throw new Error('decode asked a small input for its buffer');
      },
    });
    const back = decode(bytes);
    if (Number.isNaN(v)) assert.ok(Number.isNaN(back));
    else assert.deepEqual(back, v);
  }
});
