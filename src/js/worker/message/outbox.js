// What a message-transport worker sends back: results, answers about tasks
// the page stopped, and progress reports, gathered into DONE batches
// (common/messages.js DoneBatch) and posted when the batch loop flushes.

import { Encoder } from '../../common/codec/index.js';
import { INLINE_BYTES_MAX, MSG, TRANSFER_BYTES } from '../../common/messages.js';
import { STATUS_ERROR } from '../../common/protocol.js';

export class Outbox {
  constructor() {
    // The worker is closing: nothing more is sent (the page settles the rest as crashed).
    this.closed = false;
    // Ms the tasks of this batch took (the page sizes batches by it).
    this.busy = 0;
    // When the last batch was sent (or found nothing to send).
    this.lastFlush = 0;
    this._encoder = new Encoder();
    this._out = new Uint8Array(4096);
    this._outLen = 0;
    /** @type {number[]} */
    this._results = []; // [id, status, end] per entry
    /** @type {Array<[number, unknown]>} */
    this._progress = [];
    this._flushQueued = false;
  }

  /** Whether results wait to be sent. */
  holdsResults() {
    return this._results.length > 0;
  }

  /**
   * A task's outcome; one that cannot be sent fails with the CloneError saying why.
   * @param {number} id @param {number} status @param {unknown} value
   */
  result(id, status, value) {
    if (this.closed) return;
    const { bytes, sendable } = this._encoder.encodeResult(value);
    if (!sendable) status = STATUS_ERROR;
    const end = this._outLen + bytes.length;
    if (end > this._out.length) {
      const grown = new Uint8Array(Math.max(end, 2 * this._out.length));
      grown.set(this._out.subarray(0, this._outLen));
      this._out = grown;
    }
    this._out.set(bytes, this._outLen);
    this._outLen = end;
    this._results.push(id, status, end);
  }

  /**
   * An answer without a value (STATUS_RETURNED, STATUS_ABORTING).
   * @param {number} id @param {number} status
   */
  answer(id, status) {
    this._results.push(id, status, this._outLen);
  }

  /** @param {number} id @param {unknown} value a self.wasmpool.progress(value) report */
  progress(id, value) {
    this._progress.push([id, value]);
  }

  /** Flushes after this turn's microtasks: results settled in the same turn go along. */
  flushSoon() {
    if (this._flushQueued) return;
    this._flushQueued = true;
    queueMicrotask(() => {
      this._flushQueued = false;
      this.flush();
    });
  }

  /** Posts what is held as one DONE batch. */
  flush(now = performance.now()) {
    this.lastFlush = now;
    if (this.closed) return;
    const results = this._results;
    if (results.length === 0 && this._progress.length === 0) return;
    /** @type {import('../../common/messages.js').DoneBatch} */
    const message = [MSG.DONE, this.busy, this._progress.length ? this._progress : null, null, results.length / 3];
    for (const word of results) message.push(word);
    const len = this._outLen;
    const bytes = len > INLINE_BYTES_MAX ? this._out.slice(0, len) : null;
    if (bytes !== null) message[3] = bytes;
    else for (let i = 0; i < len; i++) message.push(this._out[i]);
    if (bytes !== null && len >= TRANSFER_BYTES) self.postMessage(message, [bytes.buffer]);
    else self.postMessage(message);
    this._outLen = 0;
    this._results = [];
    this._progress = [];
    this.busy = 0;
  }
}
