/** A value cannot be sent to (or from) a worker; `path` says where it is (e.g. `args[1].onDone`). */
export declare class CloneError extends TypeError {
  constructor(message: string, path: string);
  readonly path: string;
}
export declare class Encoder {
  constructor(options?: { externalRef?: (value: ArrayBuffer | SharedArrayBuffer | ArrayBufferView) => number | undefined });
  encode(value: unknown, rootPath?: string): Uint8Array;
  encodeArgs(args: unknown[]): Uint8Array;
}
export declare function decode(bytes: Uint8Array, options?: { externalBuffer?: (id: number) => ArrayBufferLike | undefined }): unknown;
