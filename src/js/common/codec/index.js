// The argument/result codec: structured-clone-family values to bytes and back.
//
// Supported: undefined, null, booleans, numbers (-0, NaN, ±Infinity), strings,
// BigInt, Arrays, plain objects (prototype Object.prototype or null; own
// enumerable string keys), Map, Set, Date, RegExp, ArrayBuffer, typed arrays,
// DataView, Error and its standard subclasses (name, message, stack, cause,
// AggregateError#errors). Repeated references and cycles keep their identity.
// By reference (no copy): views and buffers for which `externalRef` returns an
// id (the pool's shared allocations).
// Rejected with CloneError (a TypeError naming the path, with a `code`):
// functions, symbols, WeakMap/WeakSet/WeakRef, Promise, class instances, DOM
// nodes, and SharedArrayBuffers the pool does not know.
//
//   tags.js     the wire format: tag bytes and view kinds, in one place
//   encoder.js  Encoder: values → bytes (the hot path)
//   decoder.js  decode: bytes → values
//   errors.js   CloneError, its codes, and where in a value the culprit is

export { decode } from './decoder.js';
export { Encoder } from './encoder.js';
export { CloneError } from './errors.js';
