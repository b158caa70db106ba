// A dependency-free static server for the demo and the browser tests.
// `isolation` picks the headers every response carries (see ISOLATION): the
// ways a page gets cross-origin isolated (SharedArrayBuffer, a shared wasm
// memory it can post to workers), or none.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};
// CORP on every response: with COEP require-corp (or DIP's
// isolate-and-require-corp) a subresource must opt in; same-origin ones are
// allowed anyway, the header makes that explicit.
const CORP = { 'Cross-Origin-Resource-Policy': 'same-origin' };
export const ISOLATION = {
  // The classic pair: the whole browsing context group is isolated.
  'coop-coep': {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    ...CORP,
  },
  // COEP credentialless: cross-origin no-cors subresources load without
  // credentials instead of needing CORP (Chromium 96+, Firefox 119+).
  credentialless: {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'credentialless',
    ...CORP,
  },
  // Document-Isolation-Policy (Chromium 137+): isolates this document alone,
  // no COOP (popups and opener keep working) and no COEP.
  dip: { 'Document-Isolation-Policy': 'isolate-and-require-corp', ...CORP },
  none: {},
};

// Under this prefix the project is served as it is, except that every .wasm
// URL answers with an HTML page, as a dev server's fallback does when a
// bundler moved a package away from its files (Vite without
// optimizeDeps.exclude): the browser tests' page for that misconfiguration.
export const HTML_FOR_WASM = '/html-for-wasm/';
const FALLBACK_PAGE = '<!doctype html>\n<title>app</title>\n<div id="app"></div>\n';

/**
 * Serves `root`. `isolation`: a key of ISOLATION; `isolated` is the older
 * boolean form ('coop-coep' or 'none').
 */
export function startServer({
  root = PROJECT_ROOT,
  host = '127.0.0.1',
  port = 0,
  isolated = true,
  isolation = isolated ? 'coop-coep' : 'none',
} = {}) {
  if (!Object.hasOwn(ISOLATION, isolation)) {
    throw new RangeError(`isolation must be one of ${Object.keys(ISOLATION).join(', ')} (got ${isolation})`);
  }
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    // no-cache: revalidated every time (fresh builds are always picked up),
    // but unchanged files cost a 304, as they would behind a real server.
    const headers = { 'Cache-Control': 'no-cache', ...ISOLATION[isolation] };
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end('bad request');
      return;
    }
    if (pathname === '/') {
      res.writeHead(302, { ...headers, Location: '/www/' }).end();
      return;
    }
    if (pathname.startsWith(HTML_FOR_WASM)) {
      pathname = pathname.slice(HTML_FOR_WASM.length - 1);
      if (pathname.endsWith('.wasm')) {
        res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html'] }).end(FALLBACK_PAGE);
        return;
      }
    }
    let file = path.join(base, pathname);
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        // A directory's index page needs the trailing slash for its relative links.
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { ...headers, Location: `${pathname}/` }).end();
          return;
        }
        file = path.join(file, 'index.html');
      }
      fs.stat(file, (_errStat, fst) => {
        const etag = fst ? `"${fst.size.toString(16)}-${Math.floor(fst.mtimeMs).toString(16)}"` : null;
        if (etag && req.headers['if-none-match'] === etag) {
          res.writeHead(304, { ...headers, ETag: etag }).end();
          return;
        }
        fs.readFile(file, (err2, data) => {
          if (err2) {
            res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`not found: ${pathname}`);
            return;
          }
          const ext = file.endsWith('.d.ts') ? '.ts' : path.extname(file);
          res
            .writeHead(200, { ...headers, ETag: etag, 'Content-Type': TYPES[ext] || 'application/octet-stream' })
            .end(data);
        });
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolve({ url: `http://${host}:${actual}`, port: actual, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
  const host = opt('--host', '127.0.0.1');
  const root = opt('--root', PROJECT_ROOT);
  // --isolation coop-coep (default) | credentialless | dip | none; --no-isolation = none.
  const isolation = args.includes('--no-isolation') ? 'none' : opt('--isolation', 'coop-coep');
  const port = Number(opt('--port', 8080));
  let srv;
  try {
    srv = await startServer({ root, host, port, isolation });
  } catch (e) {
    if (e.code !== 'EADDRINUSE') throw e;
    srv = await startServer({ root, host, port: 0, isolation });
  }
  console.log(`wasmpool demo: ${srv.url}/www/ (isolation: ${isolation})`);
}
