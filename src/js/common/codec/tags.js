// The codec's wire format, in one place: a value is a tag byte followed by
// its payload. Numbers are little-endian; a "string" payload is a u32 byte
// length and that many bytes of UTF-8.
//
//   tag          payload
//   UNDEFINED    -
//   NULL         -
//   FALSE        -
//   TRUE         -
//   INT          i32 (integers that fit, except -0)
//   FLOAT        f64
//   STRING       string
//   BIGINT       string: the value in hex ('-' first if negative)
//   ARRAY        u32 length, then each element
//   NUMBERS      u32 length, 0-7 zero bytes so the numbers start at a multiple of
//                8 from the message's start, then each element as f64: an array
//                of at least NUMBERS_MIN numbers and nothing else (a map chunk's
//                items and results, the common case, at ~3 ns a number, not ~20)
//   OBJECT       u32 key count, then (string key, value) for each own enumerable key
//   MAP          u32 size, then (key, value) for each entry
//   SET          u32 size, then each entry
//   DATE         f64 time value
//   REGEXP       string source, string flags
//   BUFFER       u32 byte length, the bytes (an ArrayBuffer)
//   VIEW         u8 kind (index in VIEWS), u32 byte length, the bytes
//   ERROR        string name, string message, value stack (string or undefined),
//                u8 has-cause [value cause], u8 has-errors [value errors (AggregateError)]
//   REF          u32 index of an earlier object (objects are numbered in the
//                order they first appear, from 0): repeated references and cycles
//   EXTERNAL     u8 kind (index in VIEWS, or EXTERNAL_BUFFER), u32 id, u32 byte
//                offset, u32 length (elements; bytes for a DataView or a buffer):
//                a view or buffer passed by reference (shared memory), not copied

export const T_UNDEFINED = 0;
export const T_NULL = 1;
export const T_FALSE = 2;
export const T_TRUE = 3;
export const T_INT = 4;
export const T_FLOAT = 5;
export const T_STRING = 6;
export const T_BIGINT = 7;
export const T_ARRAY = 8;
export const T_OBJECT = 9;
export const T_MAP = 10;
export const T_SET = 11;
export const T_DATE = 12;
export const T_REGEXP = 13;
export const T_BUFFER = 14;
export const T_VIEW = 15;
export const T_ERROR = 16;
export const T_REF = 17;
export const T_EXTERNAL = 18;
export const T_NUMBERS = 19;

/** Shorter arrays of numbers are not worth the check: they travel as ARRAY. */
export const NUMBERS_MIN = 16;

/**
 * A class VIEWS lists: a typed array's (BYTES_PER_ELEMENT), or DataView.
 *
 * @typedef {{ new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): ArrayBufferView,
 *   readonly BYTES_PER_ELEMENT?: number, readonly name: string }} ViewClass
 */

/**
 * The kind byte of VIEW and EXTERNAL: an index in this list.
 *
 * @type {ViewClass[]}
 */
export const VIEWS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
];
if (typeof Float16Array === 'function') VIEWS.push(Float16Array);

/**
 * View constructor → its kind byte.
 *
 * @type {Map<unknown, number>}
 */
export const VIEW_KIND = new Map(VIEWS.map((C, i) => [C, i]));

/** The kind byte of a by-reference (Shared)ArrayBuffer, as opposed to a view. */
export const EXTERNAL_BUFFER = 255;
