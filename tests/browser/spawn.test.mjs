// Where a page's workers start from (page/blob-spawn.js): its first pool's
// from the worker script's URL, and so its second's (whose start makes the
// copy and starts the probe), later ones from a blob: copy once a probe
// worker has started from it; a page whose CSP leaves blob: out of
// worker-src keeps the URL, and its pools work as before.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeAll, needs, openPage } from './harness.mjs';

after(closeAll);

// In the page: pools one after another, each running tasks that report their
// worker's script protocol, until one reports blob: (at most `pools`).
const startPools = async ({ pools }) => {
  const { Pool } = await import('/src/js/index.js');
  const protocols = [];
  let sums = 0;
  for (let i = 0; i < pools; i++) {
    const pool = new Pool({ workers: 2 });
    const seen = await Promise.all(
      Array.from({ length: 4 }, (_, k) => pool.submit((x) => [self.location.protocol, x * 2], k)),
    );
    await pool.shutdown();
    sums += seen.reduce((a, [, y]) => a + y, 0);
    protocols.push([...new Set(seen.map(([p]) => p))].join(','));
    if (protocols.at(-1) === 'blob:') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { protocols, sums };
};

test("a page's later pools start their workers from a blob: copy of the worker script", {
  skip: needs('dom') && 'a Node.js page has no blob: workers',
}, async () => {
  const page = await openPage();
  const r = await page.evaluate(startPools, { pools: 20 });
  await page.close();
  assert.deepEqual(r.protocols.slice(0, 2), ['http:', 'http:'], 'the first two pools start from the script URL');
  assert.equal(r.protocols.at(-1), 'blob:', `a later pool starts from the copy (pools: ${r.protocols.join(' ')})`);
  assert.equal(r.sums, r.protocols.length * 12, 'every task ran');
});

test('a page whose CSP leaves blob: out of worker-src keeps starting workers from the script URL', {
  skip: needs('dom') && 'a Node.js page has no CSP',
}, async () => {
  const page = await openPage({ path: '/tests/browser/fixtures/csp-no-blob-workers.html' });
  const r = await page.evaluate(async (source) => {
    // biome-ignore lint/security/noGlobalEval: the helper above, as source text (evaluate sends functions as text).
    const startPools = globalThis.eval(`(${source})`);
    const blocked = new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
    });
    const { trackWorkers } = await import('/tests/browser/fixtures/track-workers.js');
    const workers = trackWorkers();
    // The second pool's start makes the copy and starts the probe.
    const first = await startPools({ pools: 2 });
    // The probe's start was refused: from now on the page knows.
    const directive = await blocked;
    const later = await startPools({ pools: 3 });
    const live = workers.live;
    workers.restore();
    return { first, directive, later, live };
  }, String(startPools));
  await page.close();
  assert.deepEqual(r.first.protocols, ['http:', 'http:']);
  assert.equal(r.directive, 'worker-src', 'the probe worker from the blob: copy was refused by the CSP');
  assert.deepEqual(r.later.protocols, ['http:', 'http:', 'http:'], 'later pools start from the URL');
  assert.equal(r.first.sums + r.later.sums, 5 * 12, 'every task ran');
  assert.equal(r.live, 0, 'the probe and every pool worker were terminated');
});
