// The speedup card: render the current view on fresh pools of 1, 2, … n
// workers and chart time(1 worker) / time(n workers) against the ideal.
import { Pool } from '../src/js/index.js';
import { mandelbrotTile, TILE, tileGrid } from './mandelbrot.js';
import { $, clampWorkers, cores, fmtMs, plural } from './util.js';
import { state, workerCount } from './view.js';

/** Time to render `view` on a fresh pool of n workers (best of `repeats`, after a small warm-up). */
async function timeRender(n, view, repeats) {
  const pool = new Pool({ workers: n, quiet: true });
  try {
    await pool.ready;
    const tiles = tileGrid(view.width, view.height, TILE);
    const run = (v, ts) => Promise.all(ts.map((t) => pool.submit(mandelbrotTile, v, t.x0, t.y0, t.w, t.h)));
    // Warm-up: every worker compiles the kernel and the JIT gets going.
    const small = { ...view, width: 128, height: 128 };
    await run(small, tileGrid(128, 128, 32));
    let best = Infinity;
    for (let k = 0; k < repeats; k++) {
      const t0 = performance.now();
      await run(view, tiles);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  } finally {
    await pool.shutdown();
  }
}

/**
 * Measures 1 … `maxWorkers` workers on `view` (square of `size` pixels if
 * given), drawing each bar as it comes. Resolves to { cores, size, results }.
 */
export async function measureSpeedup({
  maxWorkers = Math.max(2, workerCount()),
  size,
  view = state.view,
  repeats = 2,
} = {}) {
  maxWorkers = clampWorkers(maxWorkers);
  const v = size ? { ...view, width: size, height: size } : { ...view };
  document.body.dataset.speedup = 'running';
  $('speedup-n').textContent = String(maxWorkers);
  const results = [];
  drawChart(results, maxWorkers);
  try {
    for (let n = 1; n <= maxWorkers; n++) {
      $('chart-caption').textContent = `measuring ${plural(n, 'worker')} (${v.width}×${v.height} px)…`;
      const ms = await timeRender(n, v, repeats);
      results.push({ workers: n, ms, speedup: results.length ? results[0].ms / ms : 1 });
      drawChart(results, maxWorkers);
    }
  } catch (e) {
    $('chart-caption').textContent = 'the measurement failed';
    throw e;
  }
  const best = results.reduce((a, b) => (b.speedup > a.speedup ? b : a));
  $('chart-caption').textContent =
    `best: ${best.speedup.toFixed(2)}× with ${plural(best.workers, 'worker')}` +
    ` (${v.width}×${v.height} px, ${plural(cores, 'logical core')}, ${document.body.dataset.transport ?? 'auto'} transport). Beyond the core count, workers only take turns.`;
  document.body.dataset.speedup = 'done';
  return { cores, size: v.width, results };
}

/** The empty chart for up to `maxWorkers` workers (before a measurement, or when the count changes). */
export function resetChart(maxWorkers) {
  $('speedup-n').textContent = String(maxWorkers);
  drawChart([], maxWorkers);
}

// ---------------------------------------------------------------- the SVG chart

const SVG = 'http://www.w3.org/2000/svg';
function svgEl(name, attrs = {}, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// Chart size and margins (viewBox units).
const W = 420;
const H = 230;
const L = 52;
const R = 10;
const T = 20;
const B = 40;

/** Draws `results` ({ workers, ms, speedup }) as bars for 1 … `maxWorkers` workers, pending ones flat. */
function drawChart(results, maxWorkers) {
  const top = Math.max(2, Math.ceil(Math.max(Math.min(maxWorkers, cores), ...results.map((r) => r.speedup)) + 0.3));
  const slot = (W - L - R) / maxWorkers;
  const geo = { y: (s) => T + (H - T - B) * (1 - s / top), xc: (n) => L + slot * (n - 0.5), slot };
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'speedup versus one worker' });
  const defs = svgEl('defs');
  const grad = svgEl('linearGradient', { id: 'barfill', x1: 0, y1: 0, x2: 0, y2: 1 });
  grad.append(
    svgEl('stop', { offset: '0%', 'stop-color': '#6366f1' }),
    svgEl('stop', { offset: '100%', 'stop-color': '#4338ca' }),
  );
  defs.append(grad);
  svg.append(defs);
  // Grid and y ticks.
  for (let s = 0; s <= top; s++) {
    svg.append(svgEl('line', { class: 'gridline', x1: L, x2: W - R, y1: geo.y(s), y2: geo.y(s) }));
    svg.append(svgEl('text', { class: 'tick', x: L - 6, y: geo.y(s) + 3, 'text-anchor': 'end' }, `${s}×`));
  }
  // Ideal speedup on this machine: linear up to the core count, flat after.
  const ideal = [];
  for (let n = 1; n <= maxWorkers; n++) ideal.push(`${geo.xc(n)},${geo.y(Math.min(n, cores))}`);
  svg.append(svgEl('polyline', { class: 'ideal', points: ideal.join(' ') }));
  for (let n = 1; n <= maxWorkers; n++) {
    const result = results.find((q) => q.workers === n);
    drawBar(svg, geo, n, result);
  }
  drawAxes(svg, geo);
  $('chart').replaceChildren(svg);
}

/** The bar of `n` workers (result `r`, or a flat pending bar), its labels, and its x tick. */
function drawBar(svg, { y, xc, slot }, n, r) {
  const bw = Math.min(46, slot * 0.56);
  const x = xc(n) - bw / 2;
  if (r) {
    const rect = svgEl('rect', {
      class: 'bar',
      x,
      y: y(r.speedup),
      width: bw,
      height: Math.max(1, y(0) - y(r.speedup)),
      rx: 4,
      'data-workers': n,
      'data-ms': r.ms.toFixed(2),
      'data-speedup': r.speedup.toFixed(3),
    });
    rect.append(svgEl('title', {}, `${plural(n, 'worker')}: ${fmtMs(r.ms)}, ${r.speedup.toFixed(2)}× vs one`));
    svg.append(rect);
    if (slot >= 36)
      svg.append(svgEl('text', { class: 'bar-label', x: xc(n), y: y(r.speedup) - 5 }, `${r.speedup.toFixed(2)}×`));
    if (slot >= 44) svg.append(svgEl('text', { class: 'bar-ms', x: xc(n), y: H - B + 29 }, fmtMs(r.ms)));
  } else {
    svg.append(svgEl('rect', { class: 'bar pending', x, y: y(0) - 4, width: bw, height: 4, rx: 2 }));
  }
  if (slot >= 14 || n % 2 === 1)
    svg.append(svgEl('text', { class: 'tick', x: xc(n), y: H - B + 15, 'text-anchor': 'middle' }, `${n}`));
}

/** The x axis, its row labels, and the note above the chart. */
function drawAxes(svg, { y, slot }) {
  svg.append(svgEl('text', { class: 'tick', x: L - 8, y: H - B + 15, 'text-anchor': 'end' }, 'workers'));
  if (slot >= 44) svg.append(svgEl('text', { class: 'tick', x: L - 8, y: H - B + 29, 'text-anchor': 'end' }, 'time'));
  svg.append(svgEl('line', { class: 'axis', x1: L, x2: W - R, y1: y(0), y2: y(0) }));
  svg.append(
    svgEl('text', { class: 'note', x: L, y: T - 8 }, `speedup vs 1 worker · dashed: ideal on ${plural(cores, 'core')}`),
  );
}
