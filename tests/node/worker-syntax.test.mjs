// Every pool worker parses its whole script as it starts, so the worker's
// modules keep to syntax that engines parse lazily. Firefox parses the whole
// body of a class that declares a field (`#x;`, `x = 1`, static or not)
// eagerly, which makes every worker's start slower (bench/NOTES.md);
// Chromium parses both alike.
// State goes in the constructor (`this._x = …`) instead; private methods
// are fine.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The modules pkg/worker.js bundles (besides wasm-bindgen's glue, checked below).
const WORKER_SOURCES = ['src/js/worker.js', 'src/js/worker', 'src/js/common'];

function jsFiles(rel) {
  const full = path.join(ROOT, rel);
  if (!fs.statSync(full).isDirectory()) return [rel];
  return fs.readdirSync(full).flatMap((name) => (/\.js$|^[^.]+$/.test(name) ? jsFiles(path.join(rel, name)) : []));
}

/** `file:line: text` of every class field or static block in `source`. */
export function classFields(file, source) {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isPropertyDeclaration(node) || ts.isClassStaticBlockDeclaration(node)) {
      const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push(`${file}:${line}: ${node.getText().split('\n')[0].slice(0, 60)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

test('the worker bundle declares no class fields (Firefox would parse those classes eagerly at every worker start)', () => {
  const files = WORKER_SOURCES.flatMap(jsFiles);
  assert.ok(
    files.includes(path.join('src/js/worker', 'memory', 'claim-loop.js')),
    `the worker's sources were found (${files.length})`,
  );
  const glue = path.join(ROOT, 'pkg/wasmpool.js');
  if (fs.existsSync(glue)) files.push('pkg/wasmpool.js');
  const fields = files.flatMap((f) => classFields(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
  assert.deepEqual(fields, [], 'assign these in the constructor instead (this._x = …)');
});

test('the check finds fields of every kind', () => {
  const src = 'class A { #a; b = 1; static c = 2; static { } m() {} #n() {} }';
  assert.equal(classFields('x.js', src).length, 4);
});
