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
  /**
   * @param {WebAssembly.Memory} memory the wasm memory (buffer id 0)
   * @param {object} [options]
   * @param {(id: number, buffer: SharedArrayBuffer) => void} [options.onRegister] a foreign buffer got its id
   */
  constructor(memory, { onRegister } = {}) {
    this._memory = memory;
    this._onRegister = onRegister;
    /** @type {WeakSet<ArrayBufferLike>} */
    this._wasmBuffers = new WeakSet(); // every SharedArrayBuffer object of the wasm memory seen here
    /** @type {WeakMap<SharedArrayBuffer, number>} */
    this._ids = new WeakMap(); // foreign SharedArrayBuffer -> id
    /** @type {Map<number, SharedArrayBuffer>} */
    this._buffers = new Map(); // id -> foreign SharedArrayBuffer
    this._nextId = 1;
    // The codec's hooks, bound to this registry (the Encoder and Decoder call them bare).
    /**
     * Encoder hook: an id for by-reference values, undefined for copies.
     *
     * @param {ArrayBufferLike | ArrayBufferView} value
     */
    this.externalRef = (value) => this.#externalRef(value);
    /**
     * Decoder hook.
     *
     * @param {number} id
     */
    this.externalBuffer = (id) => (id === WASM_MEMORY ? this.buffer() : this._buffers.get(id));
    this.buffer();
  }

  /**
   * The wasm memory's current buffer (remembered as one of its buffers).
   *
   * @returns {ArrayBufferLike}
   */
  buffer() {
    const b = this._memory.buffer;
    this._wasmBuffers.add(b);
    return b;
  }

  /**
   * @param {ArrayBufferLike | ArrayBufferView} value
   * @returns {number | undefined}
   */
  #externalRef(value) {
    const buffer = ArrayBuffer.isView(value) ? value.buffer : value;
    if (this._wasmBuffers.has(buffer)) return WASM_MEMORY;
    if (typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer) {
      let id = this._ids.get(buffer);
      if (id === undefined) {
        id = this._nextId++;
        this._ids.set(buffer, id);
        this._buffers.set(id, buffer);
        this._onRegister?.(id, buffer);
      }
      return id;
    }
    return undefined;
  }

  /**
   * Worker side: a buffer the page registered.
   *
   * @param {number} id
   * @param {SharedArrayBuffer} buffer
   */
  add(id, buffer) {
    this._buffers.set(id, buffer);
  }

  /**
   * Every registered foreign buffer, for workers started later.
   *
   * @returns {Array<[number, SharedArrayBuffer]>}
   */
  entries() {
    return [...this._buffers];
  }
}
