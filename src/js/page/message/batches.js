// The message transport's wire, page side: a RunBatch carries the tasks a
// worker gets in one turn, a DoneBatch brings back its results (their
// formats: common/messages.js).

import { batchBytes, INLINE_BYTES_MAX, MSG, TRANSFER_BYTES } from '../../common/messages.js';
import { FLAG_NAMED, FLAG_WATCHED } from '../../common/protocol.js';

/**
 * Posts `tasks` to `port` as one RunBatch, with the code texts it has not
 * seen yet. A watched task goes with FLAG_WATCHED: its worker sends what it
 * finished before starting it.
 * @param {import('./worker-port.js').WorkerPort} port
 * @param {import('./transport.js').MessageTask[]} tasks
 */
export function postRunBatch(port, tasks) {
  /** @type {[string, number, Array<[number, string, boolean]> | null, Uint8Array | null, ...number[]]} a RunBatch */
  const message = [MSG.RUN, tasks.length, null, null];
  let end = 0;
  for (const task of tasks) {
    const c = /** @type {import('../task-codes.js').CodeEntry} */ (task.code); // resolved by the transport's #send
    if (!port.codes.has(c.id)) {
      port.codes.add(c.id);
      message[2] ??= [];
      message[2].push([c.id, c.text, c.named]);
    }
    end += task.bytes.length;
    message.push(task.id, c.id, task.flags | (c.named ? FLAG_NAMED : 0) | (task.watched ? FLAG_WATCHED : 0), end);
  }
  if (end > INLINE_BYTES_MAX) {
    const bytes = new Uint8Array(end);
    end = 0;
    for (const task of tasks) {
      bytes.set(task.bytes, end);
      end += task.bytes.length;
    }
    message[3] = bytes;
  } else {
    for (const task of tasks) for (const byte of task.bytes) message.push(byte);
  }
  // (From TRANSFER_BYTES on, the bytes are not inline.)
  port.post(message, end >= TRANSFER_BYTES ? [/** @type {Uint8Array} */ (message[3]).buffer] : undefined);
}

/**
 * Calls `onResult(id, status, bytes)` for each result of a DoneBatch, in
 * order (`bytes()` gives the encoded value).
 * @param {import('../../common/messages.js').DoneBatch} message
 * @param {(id: number, status: number, bytes: () => Uint8Array) => void} onResult
 */
export function readDoneBatch(message, onResult) {
  const n = /** @type {number} */ (message[4]);
  const entryBytes = batchBytes(message, 5 + 3 * n);
  let start = 0;
  for (let w = 5; w < 5 + 3 * n; w += 3) {
    const from = start;
    const end = /** @type {number} */ (message[w + 2]);
    onResult(/** @type {number} */ (message[w]), /** @type {number} */ (message[w + 1]), () => entryBytes(from, end));
    start = end;
  }
}
