// The ways a page gets cross-origin isolated (scripts/serve.mjs serves each),
// and which transport new Pool() runs there:
//   COOP + COEP require-corp       Chromium, Firefox: shared. WebKitGTK: the
//                                  page is isolated, yet memory cannot be
//                                  shared: message.
//   COOP + COEP credentialless     Chromium 96+, Firefox 119+: shared. Not in
//                                  WebKit (not isolated there): message.
//   Document-Isolation-Policy      Chromium 137+ only (Firefox and WebKit do
//                                  not implement it: the page is not isolated
//                                  and falls back to message).
// These tests open their own pages, whatever WASMPOOL_TRANSPORT says.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { browserName, canShareMemory, closeAll, needs, openPage, pageUrl } from './harness.mjs';

after(closeAll);

/** The headers the server sends with the page for `isolation`, lower-cased names. */
async function headersOf(isolation) {
  const r = await fetch(await pageUrl(isolation));
  await r.body?.cancel();
  return Object.fromEntries(r.headers);
}

/** On a fresh page served with `isolation`: what new Pool() (transport 'auto') runs, and that it works. */
async function poolOn(isolation) {
  const page = await openPage({ isolation });
  try {
    const r = await page.evaluate(async () => {
      const { Pool, NotIsolatedError } = await import('/src/js/index.js');
      const pool = new Pool({ workers: 2 });
      const out = {
        isolated: globalThis.crossOriginIsolated,
        transport: pool.transport,
        sums: await pool.map((x) => x + x, [1, 2, 3]),
      };
      if (pool.transport === 'shared') {
        // Zero-copy arrays: the workers write into the page's memory.
        const a = pool.alloc(Float64Array, 4);
        await pool.submit((arr) => arr.fill(7), a);
        out.shared = Array.from(a);
        a.free();
      } else {
        try {
          new Pool({ workers: 1, transport: 'shared' });
          out.shared = 'no error';
        } catch (e) {
          out.shared = [e.name, e instanceof NotIsolatedError, e.message];
        }
      }
      await pool.shutdown();
      return out;
    });
    return { ...r, logs: page.logs };
  } finally {
    await page.close();
  }
}

function assertShared(r) {
  assert.equal(r.isolated, true, 'crossOriginIsolated');
  assert.equal(r.transport, 'shared');
  assert.deepEqual(r.sums, [2, 4, 6]);
  assert.deepEqual(r.shared, [7, 7, 7, 7], 'the workers wrote into a pool.alloc array');
}

function assertMessage(r, { isolated }) {
  assert.equal(r.isolated, isolated, 'crossOriginIsolated');
  assert.equal(r.transport, 'message');
  assert.deepEqual(r.sums, [2, 4, 6]);
  assert.equal(r.shared[0], 'NotIsolatedError', "transport: 'shared' is refused");
  assert.equal(r.shared[1], true);
  const note = r.logs.filter((l) => l.startsWith('info: wasmpool:'));
  assert.equal(note.length, 1, `'auto' says once that it fell back: ${JSON.stringify(r.logs)}`);
  return note[0];
}

test('COOP + COEP require-corp: the shared transport (WebKit: isolated, yet the message transport)', {
  skip: needs('dom') && "isolation is a page's (Node.js: always shared memory)",
}, async () => {
  const h = await headersOf('coop-coep');
  assert.equal(h['cross-origin-opener-policy'], 'same-origin');
  assert.equal(h['cross-origin-embedder-policy'], 'require-corp');
  const r = await poolOn('coop-coep');
  if (canShareMemory()) {
    assertShared(r);
  } else {
    // WebKitGTK 2.50: crossOriginIsolated is true, but there is no
    // SharedArrayBuffer and a shared memory cannot be posted: 'auto' must
    // pick message, and say why without asking for headers the page has.
    const note = assertMessage(r, { isolated: true });
    assert.match(note, /even on a cross-origin isolated page/);
    assert.match(r.shared[2], /even on this cross-origin isolated page/);
  }
});

test('COOP + COEP credentialless: the shared transport in Chromium and Firefox (not supported in WebKit)', {
  skip: needs('dom') && "isolation is a page's (Node.js: always shared memory)",
}, async () => {
  const h = await headersOf('credentialless');
  assert.equal(h['cross-origin-opener-policy'], 'same-origin');
  assert.equal(h['cross-origin-embedder-policy'], 'credentialless');
  const r = await poolOn('credentialless');
  if (canShareMemory()) assertShared(r);
  else assertMessage(r, { isolated: false });
});

test('Document-Isolation-Policy without COOP/COEP: the shared transport in Chromium; Firefox and WebKit fall back to message', {
  skip: needs('dom') && "isolation is a page's (Node.js: always shared memory)",
}, async () => {
  const h = await headersOf('dip');
  assert.equal(h['document-isolation-policy'], 'isolate-and-require-corp');
  assert.equal(h['cross-origin-opener-policy'], undefined, 'no COOP');
  assert.equal(h['cross-origin-embedder-policy'], undefined, 'no COEP');
  const r = await poolOn('dip');
  if (browserName() === 'chromium') {
    assertShared(r); // Chromium 137+ isolates the document on this header alone
  } else {
    // Neither Firefox nor WebKit implements Document-Isolation-Policy: the
    // page is an ordinary one, and the note names the headers that would work.
    const note = assertMessage(r, { isolated: false });
    assert.match(note, /Document-Isolation-Policy/);
  }
});
