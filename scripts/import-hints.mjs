// Puts the bundler hints back on a minified bundle's dynamic imports:
// `node scripts/import-hints.mjs FILE N`. The worker imports task modules by
// runtime URL (`import(url)`), which webpack and Vite must leave alone:
// `/* webpackIgnore: true */ /* @vite-ignore */`. esbuild's minifier drops
// every comment, and without that one webpack turns the import into a
// context module that fails at run time (tests/examples checks it). Fails
// unless exactly N imports were hinted, so a new dynamic import, or a
// minifier that writes them differently, stops the build instead of
// shipping a broken one.
import fs from 'node:fs';

const [file, expected] = process.argv.slice(2);
let hinted = 0;
const text = fs.readFileSync(file, 'utf8').replace(/\bimport\(([A-Za-z_$][\w$]*)\)/g, (_, arg) => {
  hinted++;
  return `import(/* webpackIgnore: true */ /* @vite-ignore */ ${arg})`;
});
if (hinted !== Number(expected)) {
  console.error(`import-hints: ${file} has ${hinted} dynamic import(s) of a runtime URL, expected ${expected}`);
  process.exit(1);
}
fs.writeFileSync(file, text);
