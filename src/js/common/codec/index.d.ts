/** Why a value cannot be sent (see src/js/common/codec/errors.js). */
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

/** A value cannot be sent to (or from) a worker; `path` says where it is (e.g. `args[1].onDone`), `code` why. */
export declare class CloneError extends TypeError {
  constructor(message: string, path: string, code: CloneErrorCode);
  readonly path: string;
  readonly code: CloneErrorCode;
}
export declare class Encoder {
  constructor(options?: {
    externalRef?: (value: ArrayBuffer | SharedArrayBuffer | ArrayBufferView) => number | undefined;
  });
  encode(value: unknown, rootPath?: string): Uint8Array;
  encodeArgs(args: unknown[]): Uint8Array;
}
export declare function decode(
  bytes: Uint8Array,
  options?: { externalBuffer?: (id: number) => ArrayBufferLike | undefined },
): unknown;
