// pool.alloc(): typed arrays that live in the pool's shared wasm memory. The
// codec sends them by reference (common/refs.js), so a task receives any size
// for the cost of three numbers and can write it in place.

import { VIEWS } from '../../common/codec/tags.js';

/**
 * The constructors pool.alloc takes (index.d.ts): the typed arrays.
 * @typedef {Int8ArrayConstructor | Uint8ArrayConstructor | Uint8ClampedArrayConstructor | Int16ArrayConstructor
 *   | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor
 *   | Float64ArrayConstructor | BigInt64ArrayConstructor | BigUint64ArrayConstructor} TypedArrayConstructor
 */
/**
 * @template A
 * @typedef {import('../../index.js').SharedTypedArray<A>} SharedTypedArray
 */
/** @typedef {{ ptr: number, bytes: number, freed: boolean }} Held */

// The typed arrays the codec can send by reference (a DataView has no length in elements).
const TYPED_ARRAYS = new Set(VIEWS.filter((View) => View !== DataView));

/**
 * A typed array of `length` elements in the wasm memory, freed by `free()`,
 * by `using`, or (safety net) when it is garbage-collected.
 * @template {TypedArrayConstructor} T
 * @param {import('../../runtime.js').Runtime} rt
 * @param {import('../../common/refs.js').SharedRefs} refs
 * @param {T} Type
 * @param {number} length
 * @returns {SharedTypedArray<InstanceType<T>>}
 */
export function allocShared(rt, refs, Type, length) {
  if (!TYPED_ARRAYS.has(Type))
    throw new TypeError('alloc needs a typed array constructor, e.g. pool.alloc(Float64Array, n)');
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`alloc: length must be an integer >= 0, got ${String(length)}`);
  const bytes = length * Type.BYTES_PER_ELEMENT;
  if (bytes > 0x7fffffff) throw new RangeError(`alloc: ${bytes} bytes is more than the shared memory can hold`);
  const ptr = rt.wasm.wp_alloc(bytes);
  if (!ptr) throw new RangeError(`alloc: out of shared memory for ${bytes} bytes`);
  // (As a ViewClass: the constructors' union has no signature taking a SharedArrayBuffer.)
  const view = new /** @type {import('../../common/codec/tags.js').ViewClass} */ (Type)(refs.buffer(), ptr, length);
  const held = { ptr, bytes, freed: false };
  const free = () => {
    if (held.freed) return;
    held.freed = true;
    finalizer.unregister(held);
    rt.wasm.wp_free(ptr, bytes);
  };
  finalizer.register(view, { rt, held }, held);
  Object.defineProperties(view, {
    free: { value: free },
    [Symbol.dispose ?? Symbol.for('Symbol.dispose')]: { value: free },
  });
  return /** @type {SharedTypedArray<InstanceType<T>>} */ (view); // free and dispose are defined just above
}

/** @type {FinalizationRegistry<{ rt: import('../../runtime.js').Runtime, held: Held }>} */
const finalizer = new FinalizationRegistry(({ rt, held }) => {
  if (held.freed) return;
  held.freed = true;
  rt.wasm.wp_free(held.ptr, held.bytes);
});
