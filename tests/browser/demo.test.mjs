// The demo page renders on the pool, and a page without isolation explains itself.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeAll } from './harness.mjs';

after(closeAll);

test('the demo renders the Mandelbrot set on several workers', async () => {
  const page = await openPage({ path: '/www/' });
  await page.waitForSelector('body[data-done="true"]', { timeout: 60_000 });
  const r = await page.evaluate(() => {
    const data = document.getElementById('canvas').getContext('2d').getImageData(0, 0, 512, 512).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === 0 && data[i + 2] === 255) dark++;
    return { dark, workersUsed: Number(document.body.dataset.workersUsed), error: document.getElementById('error').textContent };
  });
  assert.equal(r.error, '');
  assert.ok(r.workersUsed >= 2, `bands were computed on ${r.workersUsed} workers`);
  // The set's interior is a large, known fraction of the view.
  assert.ok(r.dark > 20_000 && r.dark < 120_000, `interior pixels: ${r.dark}`);
  await page.screenshot({ path: 'target/demo.png' });
});
