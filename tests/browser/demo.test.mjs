// The demo page (www/): a tiled Mandelbrot on the pool whose pixels match a
// single-threaded reference rendered by the same kernel, live per-worker lanes,
// the speedup chart, the submit/map/asCompleted playground, and the error box
// of a page served without isolation.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, test } from 'node:test';
import { closeAll, openPage } from './harness.mjs';

after(closeAll);

/** Waits for the first render, or fails fast with the page's error box. */
async function firstRender(page) {
  await page.waitFor(() => document.body.dataset.done === 'true' || document.body.dataset.error, null, {
    timeout: 60_000,
  });
  const error = await page.evaluate(() => document.getElementById('error-text').textContent);
  assert.equal(error, '', `the demo shows an error: ${error}\n${page.logs.join('\n')}`);
}

test('the demo renders the Mandelbrot tile by tile on several workers, pixel-identical to a single-threaded reference', async () => {
  const page = await openPage({ path: '/www/' });
  await firstRender(page);

  const r = await page.evaluate(async () => {
    const { mandelbrotTile, checksum, DEFAULT_VIEW } = await import('/www/mandelbrot.js');
    const canvas = document.getElementById('canvas');
    const { width, height } = canvas;
    const shown = checksum(canvas.getContext('2d').getImageData(0, 0, width, height).data);
    // The reference: the same kernel, one call for the whole image, on the main thread.
    const reference = mandelbrotTile(DEFAULT_VIEW, 0, 0, DEFAULT_VIEW.width, DEFAULT_VIEW.height);
    let inside = 0;
    for (let i = 0; i < reference.pixels.length; i += 4) {
      if (reference.pixels[i] === 0 && reference.pixels[i + 1] === 0 && reference.pixels[i + 2] === 0) inside++;
    }
    const lanes = [...document.querySelectorAll('#lanes .lane')];
    return {
      width,
      height,
      shown,
      expected: checksum(reference.pixels),
      referenceWorker: reference.worker,
      inside,
      distinctColors: new Set(
        Array.from({ length: 2000 }, (_, k) => {
          const o = Math.floor((k / 2000) * (reference.pixels.length / 4)) * 4;
          return reference.pixels[o] * 65536 + reference.pixels[o + 1] * 256 + reference.pixels[o + 2];
        }),
      ).size,
      dataChecksum: document.body.dataset.checksum,
      shownChecksum: document.getElementById('stat-sum').textContent,
      workersUsed: Number(document.body.dataset.workersUsed),
      workers: Number(document.body.dataset.workers),
      cores: navigator.hardwareConcurrency,
      inputValue: Number(document.getElementById('workers').value),
      inputMax: Number(document.getElementById('workers').max),
      progress: document.getElementById('progress').getAttribute('aria-valuenow'),
      progressWidth: document.getElementById('progress-fill').style.width,
      lanes: lanes.map((l) => ({
        worker: Number(l.dataset.worker),
        tiles: Number(l.dataset.tiles),
        count: l.querySelector('.lane-count span').textContent,
      })),
    };
  });

  assert.deepEqual([r.width, r.height], [640, 640]);
  // Same bytes as the reference, which is computed here, not hard-coded.
  assert.equal(r.shown, r.expected, 'canvas pixels differ from the single-threaded reference');
  assert.equal(r.dataChecksum, r.expected);
  assert.equal(r.shownChecksum, r.expected);
  assert.equal(r.referenceWorker, -1, 'the reference ran on the main thread');
  // The image is not trivial: some interior, and a real palette.
  assert.ok(r.inside > 100 && r.inside < (640 * 640) / 2, `interior pixels: ${r.inside}`);
  assert.ok(r.distinctColors > 200, `distinct colors in a sample: ${r.distinctColors}`);
  // The worker control defaults to the core count and allows up to twice it.
  assert.equal(r.inputValue, r.cores);
  assert.equal(r.inputMax, r.cores * 2);
  assert.equal(r.workers, r.cores);
  if (r.cores >= 2) assert.ok(r.workersUsed >= 2, `tiles were computed on ${r.workersUsed} workers`);
  assert.equal(r.progress, '100');
  assert.equal(r.progressWidth, '100%');
  // One lane per worker, and the lanes' tile counts add up to all 100 tiles.
  assert.deepEqual(
    r.lanes.map((l) => l.worker),
    Array.from({ length: r.workers }, (_, i) => i),
  );
  assert.equal(
    r.lanes.reduce((s, l) => s + l.tiles, 0),
    100,
  );
  for (const l of r.lanes) assert.equal(l.count, String(l.tiles));

  // An explicit render on 3 workers: every worker has a lane, ≥2 did tiles, same pixels.
  const n = Math.min(3, r.inputMax);
  const three = await page.evaluate(async (workers) => {
    const s = await window.demo.render({ workers });
    return {
      s,
      lanes: [...document.querySelectorAll('#lanes .lane')].map((l) => ({
        worker: Number(l.dataset.worker),
        tiles: Number(l.dataset.tiles),
      })),
      progress: document.getElementById('progress').dataset.value,
    };
  }, n);
  assert.equal(three.s.workers, n);
  assert.equal(three.s.tiles, 100);
  assert.ok(three.s.ms > 0);
  assert.equal(three.s.checksum, r.expected, 'a different worker count gives the same image');
  assert.ok(three.s.workersUsed >= 2, `3-worker render used ${three.s.workersUsed} workers`);
  const indices = Array.from({ length: n }, (_, i) => i);
  assert.deepEqual(
    three.lanes.map((l) => l.worker),
    indices,
    'one lane per worker',
  );
  assert.deepEqual(
    three.lanes.map((l) => l.tiles),
    indices.map((i) => three.s.perWorker[i] ?? 0),
  );
  assert.equal(
    Object.values(three.s.perWorker).reduce((a, b) => a + b, 0),
    100,
  );
  assert.equal(three.progress, '100');

  // The speedup chart, at a small size so it is quick: one bar per worker count.
  const sp = await page.evaluate(async () => {
    const res = await window.demo.measureSpeedup({ maxWorkers: 3, size: 192, repeats: 1 });
    const bars = [...document.querySelectorAll('#chart svg rect.bar:not(.pending)')].map((b) => ({
      workers: Number(b.dataset.workers),
      ms: Number(b.dataset.ms),
      speedup: Number(b.dataset.speedup),
      height: Number(b.getAttribute('height')),
    }));
    return { res, bars };
  });
  assert.deepEqual(
    sp.res.results.map((x) => x.workers),
    [1, 2, 3],
  );
  assert.deepEqual(
    sp.bars.map((b) => b.workers),
    [1, 2, 3],
  );
  for (const b of sp.bars) {
    assert.ok(b.ms > 0 && Number.isFinite(b.ms), `time for ${b.workers} workers: ${b.ms}`);
    assert.ok(b.speedup > 0 && b.height > 0, JSON.stringify(b));
  }
  assert.equal(sp.bars[0].speedup, 1);
  for (const [i, x] of sp.res.results.entries()) {
    assert.ok(Math.abs(x.speedup - sp.res.results[0].ms / x.ms) < 1e-9);
    assert.equal(sp.bars[i].ms, Number(x.ms.toFixed(2)));
  }

  // The playground: map in input order, asCompleted in completion (= sleep) order.
  const sleeps = [240, 60, 420, 0, 300, 180, 360, 120]; // 60 ms apart: completion order is sleep order
  const pg = await page.evaluate(async (sleepsArg) => {
    const res = await window.demo.playground({ sleeps: sleepsArg });
    const col = (id) =>
      [...document.querySelectorAll(`#${id} .results li`)].map((li) => ({
        index: Number(li.dataset.index),
        value: li.dataset.value,
        pending: li.classList.contains('pending'),
      }));
    return { res, submit: col('col-submit'), map: col('col-map'), completed: col('col-completed') };
  }, sleeps);
  const inputOrder = sleeps.map((_, i) => i);
  const bySleep = [...inputOrder].sort((a, b) => sleeps[a] - sleeps[b]);
  assert.deepEqual(bySleep, [3, 1, 7, 5, 0, 4, 6, 2]);
  assert.deepEqual(
    pg.res.map.map((x) => x.value),
    inputOrder,
    'map yields in input order',
  );
  assert.deepEqual(
    pg.res.asCompleted.map((x) => x.value),
    bySleep,
    'asCompleted yields in completion order',
  );
  assert.deepEqual(
    pg.res.submit.map((x) => x.value),
    inputOrder,
    'each future resolves to its own result',
  );
  assert.deepEqual(
    pg.res.submit.map((x) => x.rank),
    inputOrder.map((i) => bySleep.indexOf(i) + 1),
    'futures settle by sleep',
  );
  for (let k = 1; k < pg.res.map.length; k++) assert.ok(pg.res.map[k].t >= pg.res.map[k - 1].t);
  for (let k = 1; k < pg.res.asCompleted.length; k++) assert.ok(pg.res.asCompleted[k].t >= pg.res.asCompleted[k - 1].t);
  // What the page shows matches.
  assert.deepEqual(
    pg.submit.map((x) => x.value),
    inputOrder.map(String),
  );
  assert.ok(pg.submit.every((x) => !x.pending));
  assert.deepEqual(
    pg.map.map((x) => x.value),
    inputOrder.map(String),
  );
  assert.deepEqual(
    pg.completed.map((x) => x.value),
    bySleep.map(String),
  );

  const end = await page.evaluate(() => ({
    error: document.getElementById('error-text').textContent,
    hidden: document.getElementById('error').hidden,
    errorAttr: document.body.dataset.error ?? null,
  }));
  assert.deepEqual(end, { error: '', hidden: true, errorAttr: null }, page.logs.join('\n'));
  assert.ok(!page.logs.some((l) => l.startsWith('pageerror') || l.startsWith('error')), page.logs.join('\n'));

  fs.mkdirSync('target', { recursive: true });
  await page.screenshot('target/demo.png');
});

test('the demo served without COOP/COEP shows NotIsolatedError in its error box', async () => {
  const page = await openPage({ isolated: false, path: '/www/' });
  await page.waitFor(() => document.body.dataset.error, null, { timeout: 30_000 });
  const r = await page.evaluate(() => ({
    name: document.body.dataset.error,
    visible: !document.getElementById('error').hidden && document.getElementById('error').offsetHeight > 0,
    text: document.getElementById('error-text').textContent,
    hint: document.getElementById('error-hint').textContent,
    done: document.body.dataset.done,
  }));
  assert.equal(r.name, 'NotIsolatedError');
  assert.ok(r.visible, 'the error box is visible');
  assert.match(r.text, /^NotIsolatedError: /);
  assert.equal(r.text.split('\n').filter((l) => l.startsWith('NotIsolatedError')).length, 1, 'the error is shown once');
  assert.match(r.text, /Cross-Origin-Opener-Policy: same-origin/);
  assert.match(r.text, /Cross-Origin-Embedder-Policy: require-corp/);
  assert.match(r.hint, /npm run demo/);
  assert.notEqual(r.done, 'true');
});
