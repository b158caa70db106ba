// The demo page (www/): a tiled Mandelbrot on the pool whose pixels match a
// single-threaded reference rendered by the same kernel, live per-worker lanes,
// the speedup chart, the submit/map/asCompleted playground, and the error box
// of a page served without isolation.
//
// The isolated tests share one page (opened by demoPage(), once per file) and
// run in order; what the first render left on the page is captured before any
// test renders again, so each test's assertions stand on their own.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, test } from 'node:test';
import { closeAll, openPage } from './harness.mjs';

after(closeAll);

let shared = null;

/** The demo page after its first render, and `first`: what that render left on the page (see snapshot). */
function demoPage() {
  shared ??= (async () => {
    const page = await openPage({ path: '/www/' });
    await page.waitFor(() => document.body.dataset.done === 'true' || document.body.dataset.error, null, {
      timeout: 60_000,
    });
    await assertNoError(page);
    return { page, first: await page.evaluate(snapshot) };
  })();
  return shared;
}

/** Fails with the page's error box and log if the demo shows an error. */
async function assertNoError(page) {
  const error = await page.evaluate(() => document.getElementById('error-text').textContent);
  assert.equal(error, '', `the demo shows an error: ${error}\n${page.logs.join('\n')}`);
}

/**
 * Runs in the page: the canvas checksum, a single-threaded reference of the
 * default view (the same kernel, one call for the whole image, on the main
 * thread), the controls, the progress bar and the lanes.
 */
async function snapshot() {
  const { mandelbrotTile, checksum, DEFAULT_VIEW } = await import('/www/mandelbrot.js');
  const canvas = document.getElementById('canvas');
  const { width, height } = canvas;
  const reference = mandelbrotTile(DEFAULT_VIEW, 0, 0, DEFAULT_VIEW.width, DEFAULT_VIEW.height);
  const px = reference.pixels;
  let inside = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i] === 0 && px[i + 1] === 0 && px[i + 2] === 0) inside++;
  const sample = Array.from({ length: 2000 }, (_, k) => {
    const o = Math.floor((k / 2000) * (px.length / 4)) * 4;
    return px[o] * 65536 + px[o + 1] * 256 + px[o + 2];
  });
  return {
    width,
    height,
    shown: checksum(canvas.getContext('2d').getImageData(0, 0, width, height).data),
    expected: checksum(px),
    referenceWorker: reference.worker,
    inside,
    distinctColors: new Set(sample).size,
    dataChecksum: document.body.dataset.checksum,
    shownChecksum: document.getElementById('stat-sum').textContent,
    workersUsed: Number(document.body.dataset.workersUsed),
    workers: Number(document.body.dataset.workers),
    cores: navigator.hardwareConcurrency,
    inputValue: Number(document.getElementById('workers').value),
    inputMax: Number(document.getElementById('workers').max),
    progress: document.getElementById('progress').getAttribute('aria-valuenow'),
    progressWidth: document.getElementById('progress-fill').style.width,
    lanes: [...document.querySelectorAll('#lanes .lane')].map((l) => ({
      worker: Number(l.dataset.worker),
      tiles: Number(l.dataset.tiles),
      count: l.querySelector('.lane-count span').textContent,
    })),
  };
}

test('the first render is pixel-identical to a single-threaded reference of the same kernel', async () => {
  const { first: r } = await demoPage();
  assert.deepEqual([r.width, r.height], [640, 640]);
  // Same bytes as the reference, which is computed here, not hard-coded.
  assert.equal(r.shown, r.expected, 'canvas pixels differ from the single-threaded reference');
  assert.equal(r.dataChecksum, r.expected);
  assert.equal(r.shownChecksum, r.expected);
  assert.equal(r.referenceWorker, -1, 'the reference ran on the main thread');
  // The image is not trivial: some interior, and a real palette.
  assert.ok(r.inside > 100 && r.inside < (640 * 640) / 2, `interior pixels: ${r.inside}`);
  assert.ok(r.distinctColors > 200, `distinct colors in a sample: ${r.distinctColors}`);
});

test('the first render runs on one worker per core, one lane each, and the lanes count all 100 tiles', async () => {
  const { first: r } = await demoPage();
  // The worker control defaults to the core count and allows up to twice it.
  assert.equal(r.inputValue, r.cores);
  assert.equal(r.inputMax, r.cores * 2);
  assert.equal(r.workers, r.cores);
  if (r.cores >= 2) assert.ok(r.workersUsed >= 2, `tiles were computed on ${r.workersUsed} workers`);
  assert.equal(r.progress, '100');
  assert.equal(r.progressWidth, '100%');
  assert.deepEqual(
    r.lanes.map((l) => l.worker),
    Array.from({ length: r.workers }, (_, i) => i),
  );
  assert.equal(
    r.lanes.reduce((s, l) => s + l.tiles, 0),
    100,
  );
  for (const l of r.lanes) assert.equal(l.count, String(l.tiles));
});

test('a render on 3 workers gives the same image, with a lane per worker matching its tile count', async () => {
  const { page, first } = await demoPage();
  const n = Math.min(3, first.inputMax);
  const three = await page.evaluate(async (workers) => {
    const s = await window.demo.render({ workers });
    return {
      s,
      lanes: [...document.querySelectorAll('#lanes .lane')].map((l) => ({
        worker: Number(l.dataset.worker),
        tiles: Number(l.dataset.tiles),
        count: l.querySelector('.lane-count span').textContent,
      })),
      progress: document.getElementById('progress').dataset.value,
      dataChecksum: document.body.dataset.checksum,
    };
  }, n);
  assert.equal(three.s.workers, n);
  assert.equal(three.s.tiles, 100);
  assert.ok(three.s.ms > 0);
  assert.equal(three.s.checksum, first.expected, 'a different worker count gives the same image');
  assert.equal(three.dataChecksum, first.expected);
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
  for (const l of three.lanes) assert.equal(l.count, String(l.tiles));
  assert.equal(
    Object.values(three.s.perWorker).reduce((a, b) => a + b, 0),
    100,
  );
  assert.equal(three.progress, '100');
});

test('the speedup chart has one bar per worker count, with its time and time(1) / time(n)', async () => {
  const { page } = await demoPage();
  // At a small size so it is quick.
  const sp = await page.evaluate(async () => {
    const res = await window.demo.measureSpeedup({ maxWorkers: 3, size: 192, repeats: 1 });
    const bars = [...document.querySelectorAll('#chart svg rect.bar:not(.pending)')].map((b) => ({
      workers: Number(b.dataset.workers),
      ms: Number(b.dataset.ms),
      speedup: Number(b.dataset.speedup),
      height: Number(b.getAttribute('height')),
    }));
    return { res, bars, state: document.body.dataset.speedup };
  });
  assert.equal(sp.state, 'done');
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
    assert.equal(sp.bars[i].speedup, Number(x.speedup.toFixed(3)));
  }
});

test('the playground: map yields in input order, asCompleted in completion order, each future its own', async () => {
  const { page } = await demoPage();
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
});

test('after all that, the page shows and logs no error (and saves target/demo.png)', async () => {
  const { page } = await demoPage();
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

test('the demo served without COOP/COEP runs on the message transport and says so', async () => {
  const page = await openPage({ isolated: false, path: '/www/' });
  await page.waitFor(() => document.body.dataset.done === 'true' || document.body.dataset.error, null, {
    timeout: 60_000,
  });
  const r = await page.evaluate(async () => ({
    error: document.body.dataset.error ?? null,
    transport: document.body.dataset.transport,
    env: document.getElementById('env').textContent,
    speedup: (await window.demo.measureSpeedup({ maxWorkers: 2, size: 128, repeats: 1 })).results.map((x) => x.workers),
    caption: document.getElementById('chart-caption').textContent,
  }));
  assert.equal(r.error, null);
  assert.equal(r.transport, 'message');
  assert.match(r.env, /not cross-origin isolated/);
  assert.match(r.env, /transport: message passing/);
  assert.deepEqual(r.speedup, [1, 2]);
  assert.match(r.caption, /best: [\d.]+× with .*message transport/);
  assert.deepEqual(
    page.logs.filter((l) => /^(error|pageerror)/.test(l) && !/favicon|404/.test(l)),
    [],
  );
});
