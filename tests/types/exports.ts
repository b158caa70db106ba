// index.d.ts (and common/codec/index.d.ts) against the modules they declare,
// as tsc types both: the JS through its JSDoc. Checked in npm test by
// scripts/check-js-types.mjs (tsconfig.exports.json); the entries' export
// names as Node.js sees them are compared by tests/node/exports.test.mjs.
//
// For every value export of src/js/api.js, which index.js and node/index.js
// export, and every value index.d.ts declares:
//  - it is both exported and declared;
//  - a function, method or public constructor takes as many parameters, and
//    as many optional ones, as declared, of types compatible with the
//    declared ones, and returns what is declared;
//  - a class has the declared public members and no others (names starting
//    with `_` are internal), each property of the declared type;
//  - a constant is of the declared type, an object has the declared keys.
// A generic class is compared as its `prototype`, whose type parameters are
// `any`: its members' names and arity are checked, not what T becomes.

import type * as Declared from 'wasmpool';
import type * as Api from '../../src/js/api.js';
import type * as Decoder from '../../src/js/common/codec/decoder.js';
import type * as Encoder from '../../src/js/common/codec/encoder.js';
import type * as CodecErrors from '../../src/js/common/codec/errors.js';
// (common/codec/index.js resolves to its index.d.ts, as it does for every
// module that imports it.)
import type * as CodecDeclared from '../../src/js/common/codec/index.js';
import type * as NodeEntry from '../../src/js/node/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the widest function type, which every function is assignable to.
type Fn = (...args: any[]) => unknown;
// biome-ignore lint/suspicious/noExplicitAny: the widest constructor type.
type Ctor = abstract new (...args: any[]) => unknown;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type EitherWay<A, B> = [A] extends [B] ? true : [B] extends [A] ? true : false;

/** Keeps only the entries that are not `true`: what differs. */
type Failures<R> = { [K in keyof R as R[K] extends true ? never : K]: R[K] };
type AllTrue<R> = keyof Failures<R> extends never ? true : Failures<R>;

/** `true`, or how the JS function type I differs from its declaration D. */
type CallCheck<I extends Fn, D extends Fn> =
  Equal<Parameters<I>['length'], Parameters<D>['length']> extends false
    ? 'parameters: not as many (or not as many optional) as declared'
    : EitherWay<Parameters<I>, Parameters<D>> extends false
      ? 'parameters: of types incompatible with the declared ones'
      : [ReturnType<I>] extends [ReturnType<D>]
        ? true
        : 'returns: not what is declared';

type PublicKeys<T> = Exclude<keyof T & string, `_${string}`>;

/** A member of a class instance (or an export): a method, or a property. */
type ValueCheck<I, D> = [D] extends [Fn]
  ? [I] extends [Fn]
    ? CallCheck<I, D>
    : 'not a function in the JS'
  : [I] extends [D]
    ? true
    : 'type: not assignable to the declared one';

type MemberChecks<I, D> = {
  [K in PublicKeys<I> | PublicKeys<D>]: K extends PublicKeys<D>
    ? K extends PublicKeys<I>
      ? ValueCheck<I[K & keyof I], D[K & keyof D]>
      : 'declared in index.d.ts, not in the JS class'
    : 'in the JS class, not declared in index.d.ts';
};

/** A declared private constructor is internal: not checked. */
type ConstructorCheck<I, D> = D extends abstract new (
  ...args: infer DA
) => unknown
  ? I extends abstract new (
      ...args: infer IA
    ) => unknown
    ? CallCheck<(...args: IA) => void, (...args: DA) => void>
    : 'no public constructor in the JS'
  : true;

type ClassCheck<I, D> = D extends { prototype: infer DP }
  ? I extends { prototype: infer IP }
    ? AllTrue<MemberChecks<IP, DP> & { constructor: ConstructorCheck<I, D> }>
    : 'not a class in the JS'
  : never;

type ExportCheck<I, D> = [D] extends [Fn]
  ? ValueCheck<I, D>
  : [D] extends [Ctor | { prototype: object }]
    ? ClassCheck<I, D>
    : D extends object
      ? Equal<keyof I, keyof D> extends true
        ? true
        : 'keys: not the declared ones'
      : ValueCheck<I, D>;

type ModuleChecks<I, D> = {
  [K in keyof I | keyof D]: K extends keyof D
    ? K extends keyof I
      ? ExportCheck<I[K], D[K]>
      : 'declared, not exported by the JS'
    : 'exported by the JS, not declared';
};

// What the codec's index.js exports (it re-exports these three).
type CodecImpl = {
  CloneError: typeof CodecErrors.CloneError;
  decode: typeof Decoder.decode;
  Encoder: typeof Encoder.Encoder;
};

/** Spelled out, so that an error message shows the entries rather than the alias. */
type Show<T> = T extends object ? { [K in keyof T]: Show<T[K]> } : T;

/** What differs between the JS and its declaration, by module and export: nothing, or the line below fails. */
export type Differences = Show<
  Failures<{
    'index.d.ts vs api.js': AllTrue<ModuleChecks<typeof Api, typeof Declared>>;
    'node/index.js vs api.js': AllTrue<ModuleChecks<typeof NodeEntry, typeof Api>>;
    'common/codec/index.d.ts vs codec': AllTrue<ModuleChecks<CodecImpl, typeof CodecDeclared>>;
  }>
>;

// The error names each export that differs and says how.
export const differences: Record<string, never> = {} as Differences;
