// The entries' exports as Node.js loads them against the values index.d.ts
// declares (read by the TypeScript compiler): a name exported but not
// declared is untyped for TypeScript users, one declared but not exported
// fails at run time. The types of each export are compared by
// tests/types/exports.ts; package.json must point TypeScript at index.d.ts.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const file = (relative) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

// One program for both declaration files; no lib: the export names do not
// depend on the global types, and reading lib.dom takes seconds.
const program = ts.createProgram([file('src/js/index.d.ts'), file('src/js/common/codec/index.d.ts')], {
  noEmit: true,
  noLib: true,
  types: [],
});
const checker = program.getTypeChecker();

/** The names of the values (not types) a declaration file exports, sorted. */
function declaredValues(dts) {
  const module = checker.getSymbolAtLocation(program.getSourceFile(file(dts)));
  return checker
    .getExportsOfModule(module)
    .filter((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.name)
    .sort();
}

const exported = async (js) => Object.keys(await import(file(js))).sort();

test('index.js exports what index.d.ts declares', async () => {
  assert.deepEqual(await exported('src/js/index.js'), declaredValues('src/js/index.d.ts'));
});

test('node/index.js (the "node" condition) exports what index.d.ts declares', async () => {
  assert.deepEqual(await exported('src/js/node/index.js'), declaredValues('src/js/index.d.ts'));
});

test('common/codec/index.js exports what its index.d.ts declares', async () => {
  assert.deepEqual(await exported('src/js/common/codec/index.js'), declaredValues('src/js/common/codec/index.d.ts'));
});

test('package.json points TypeScript at index.d.ts, for every entry', () => {
  const pkg = JSON.parse(readFileSync(file('package.json'), 'utf8'));
  assert.equal(pkg.types, './src/js/index.d.ts');
  assert.ok(existsSync(file(pkg.types)));
  const conditions = pkg.exports['.'];
  // TypeScript takes the first condition that matches: "types" must come first.
  assert.equal(Object.keys(conditions)[0], 'types');
  assert.equal(conditions.types, pkg.types);
  for (const condition of ['browser', 'node', 'default']) assert.ok(existsSync(file(conditions[condition])), condition);
});
