// By-reference data: typed arrays that live in the wasm memory (pool.alloc)
// and user SharedArrayBuffers. The codec sends such values as
// (buffer id, offset, length) instead of their bytes, so dispatch cost does
// not grow with their size.
//
// Id 0 is the wasm memory itself (offsets are addresses). Other
// SharedArrayBuffers get an id the first time they are sent and reach each
// worker once, by postMessage (per buffer, never per task).

/** The wasm memory's buffer id. */
export const WASM_MEMORY = 0;

export class SharedRefs {
  #memory;
  #wasmBuffers = new WeakSet(); // every SharedArrayBuffer object of the wasm memory seen here
  #ids = new WeakMap(); // foreign SharedArrayBuffer -> id
  #buffers = new Map(); // id -> foreign SharedArrayBuffer
  #nextId = 1;
  #onRegister;

  constructor(memory, { onRegister } = {}) {
    this.#memory = memory;
    this.#onRegister = onRegister;
    this.buffer();
  }

  /** The wasm memory's current buffer (remembered as one of its buffers). */
  buffer() {
    const b = this.#memory.buffer;
    this.#wasmBuffers.add(b);
    return b;
  }

  /** Encoder hook: an id for by-reference values, undefined for copies. */
  externalRef = (value) => {
    const buffer = ArrayBuffer.isView(value) ? value.buffer : value;
    if (this.#wasmBuffers.has(buffer)) return WASM_MEMORY;
    if (typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer) {
      let id = this.#ids.get(buffer);
      if (id === undefined) {
        id = this.#nextId++;
        this.#ids.set(buffer, id);
        this.#buffers.set(id, buffer);
        this.#onRegister?.(id, buffer);
      }
      return id;
    }
    return undefined;
  };

  /** Decoder hook. */
  externalBuffer = (id) => (id === WASM_MEMORY ? this.buffer() : this.#buffers.get(id));

  /** Worker side: a buffer the page registered. */
  add(id, buffer) {
    this.#buffers.set(id, buffer);
  }

  /** Every registered foreign buffer, for workers started later. */
  entries() {
    return [...this.#buffers];
  }
}
