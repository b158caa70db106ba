// Module resolution of a Node.js page (node-page.mjs): the paths a test page
// imports from the project's server ('/src/...', '/tests/...', '/pkg/...')
// are the project's files, and '/src/js/index.js' (with any query) is the
// package's Node.js entry, package.json's exports["."].node.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SERVED = /^\/(src|tests|pkg|bench|www)\//;
const NODE_ENTRY = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).exports['.'].node;

export async function resolve(specifier, context, next) {
  if (SERVED.test(specifier)) {
    const [pathname, query = ''] = specifier.split(/(?=\?)/);
    const file = pathname === '/src/js/index.js' ? path.join(ROOT, NODE_ENTRY) : path.join(ROOT, pathname);
    return next(pathToFileURL(file).href + query, context);
  }
  return next(specifier, context);
}
