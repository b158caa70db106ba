/**
 * Why a value cannot be sent (see src/js/common/codec/errors.js).
 *
 * - `FUNCTION`, `SYMBOL`: a function or a symbol (send a task-module export's name, or data).
 * - `UNSUPPORTED_TYPE`: another kind of value the codec does not know.
 * - `PROMISE`: a Promise (await it first).
 * - `WEAK_REFERENCE`: a WeakMap, WeakSet or WeakRef.
 * - `CLASS_INSTANCE`: an instance of a class other than the built-ins that travel (plain
 *   objects, arrays, Map, Set, Date, RegExp, buffers, typed arrays, DataView, errors).
 * - `UNSUPPORTED_VIEW`: an ArrayBuffer view of a kind the codec does not know.
 * - `UNREGISTERED_SHARED_BUFFER`: memory of a SharedArrayBuffer the pool does not know (share
 *   arrays with {@link Pool.alloc}).
 * - `UNKNOWN_BUFFER`: a by-reference buffer the receiving side has not registered.
 * - `CORRUPT_MESSAGE`: the bytes received are not an encoded value.
 *
 * @category Errors
 */
export type CloneErrorCode =
  | 'FUNCTION'
  | 'SYMBOL'
  | 'UNSUPPORTED_TYPE'
  | 'PROMISE'
  | 'WEAK_REFERENCE'
  | 'CLASS_INSTANCE'
  | 'UNSUPPORTED_VIEW'
  | 'UNREGISTERED_SHARED_BUFFER'
  | 'UNKNOWN_BUFFER'
  | 'CORRUPT_MESSAGE';

/**
 * A value cannot be sent to (or from) a worker; `path` says where it is (e.g. `args[1].onDone`), `code` why.
 *
 * Thrown at the call by {@link Pool.submit}, {@link Pool.map} (items of sized inputs) and the
 * other task methods for an argument that cannot be sent; a {@link Future} rejects with it when
 * its task's result cannot be sent back. The message says what to send instead.
 *
 * @category Errors
 */
export declare class CloneError extends TypeError {
  constructor(message: string, path: string, code: CloneErrorCode);
  /** Where in the value the culprit is, e.g. `args[1].onDone` or `result.items[3]`. */
  readonly path: string;
  /** Why it cannot be sent, for code that branches on it. */
  readonly code: CloneErrorCode;
}
export declare class Encoder {
  constructor(options?: {
    externalRef?: (value: ArrayBuffer | SharedArrayBuffer | ArrayBufferView) => number | undefined;
  });
  encode(value: unknown, rootPath?: string): Uint8Array;
  /** A task's result; one that cannot be sent is encoded as the CloneError saying why (`sendable: false`). */
  encodeResult(value: unknown): { bytes: Uint8Array; sendable: boolean };
  encodeArgs(args: unknown[]): Uint8Array;
}
export declare function decode(
  bytes: Uint8Array,
  options?: { externalBuffer?: (id: number) => ArrayBufferLike | undefined },
): unknown;
