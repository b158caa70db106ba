// How code reaches a worker: inline functions (compiled once per worker;
// closures explained) and task modules (by name, by reference, load failures).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, inPage } from './harness.mjs';

after(closeAll);

test('inline functions compile once per worker; a closure over page variables fails with an explanation', async () => {
  const r = await inPage(`async ({ Pool }) => {
    await using pool = new Pool({ workers: 1 });
    const outside = 42;
    const closure = await pool.submit(() => outside).then(() => 'resolved', (e) => e.name + ': ' + e.message);
    const method = await pool.submit({ triple(x) { return x * 3; } }.triple, 5);
    let builtin = null;
    builtin = await pool.submit(Math.max, 1, 2).then((v) => 'resolved ' + v, (e) => e.name + ': ' + e.message);
    const counts = await Promise.all(Array.from({ length: 100 }, (_, i) => pool.submit((x) => { self.calls = (self.calls || 0) + 1; return x; }, i)));
    return { closure, method, builtin, counted: counts.length };
  }`);
  // V8/SpiderMonkey: "outside is not defined"; JavaScriptCore: "Can't find variable: outside".
  assert.match(
    r.closure,
    /^ReferenceError: (outside is not defined|Can't find variable: outside) .*pass the value as an argument/,
  );
  assert.equal(r.method, 15);
  assert.match(r.builtin, /^TypeError: cannot compile the task function/);
});

test('task modules: by name and by reference', async () => {
  const r = await inPage(`async ({ Pool }) => {
    const tasks = await import('/tests/browser/fixtures/tasks.js');
    // A URL object: under the page's URL in a browser; a file: URL in a Node.js page (its working directory is the project).
    const url = globalThis.location
      ? new URL('/tests/browser/fixtures/tasks.js', location.href)
      : new URL('tests/browser/fixtures/tasks.js', (await import('node:url')).pathToFileURL(process.cwd() + '/'));
    await using pool = new Pool({ workers: 2, module: url });
    return [await pool.submit('double', 4), await pool.submit(tasks.double, 5), await pool.submit(tasks.slowEcho, 'echo', 5), await pool.map(tasks.double, [1, 2, 3])];
  }`);
  assert.deepEqual(r, [8, 10, 'echo', [2, 4, 6]]);
});

test('task modules: load failures reject pool creation with the URL and the cause', async () => {
  const r = await inPage(`async ({ Pool }) => {
    const outcomes = [];
    for (const url of ['/tests/browser/fixtures/missing.js', '/tests/browser/fixtures/broken.js']) {
      const pool = new Pool({ workers: 1, module: url });
      outcomes.push(await pool.ready.then(() => 'ready', (e) => e.name + ': ' + e.message));
      let later;
      try { await pool.submit(() => 1); later = 'resolved'; } catch (e) { later = e.name; }
      outcomes.push(later);
    }
    return outcomes;
  }`);
  assert.match(r[0], /^BrokenPoolError: cannot load task module .*missing\.js/);
  assert.equal(r[1], 'BrokenPoolError');
  // The cause is the engine's SyntaxError message: V8 says 'Unexpected token
  // …', SpiderMonkey 'expected property name, got end of script'.
  assert.match(
    r[2],
    /^BrokenPoolError: cannot load task module .*broken\.js: .*(SyntaxError|Unexpected|token|expected .* got)/i,
  );
  assert.equal(r[3], 'BrokenPoolError');
});
