// Rendering a view tile by tile: each 64×64 tile is one pool.submit, painted
// the moment its future completes (asCompleted), outlined in its worker's color
// on the overlay while the render runs; the progress bar and stats follow.
import { asCompleted } from '../src/js/index.js';
import { laneFinished, laneStarted, setupLanes, startLanes, stopLanes } from './lanes.js';
import { checksum, mandelbrotTile, TILE, tileGrid } from './mandelbrot.js';
import { $, clampWorkers, fmtMs, fmtRate, now, plural, workerColor } from './util.js';
import { getPool, state, syncPreset, workerCount } from './view.js';

const canvas = $('canvas');
const ctx = canvas.getContext('2d', { willReadFrequently: true });
const overlay = $('overlay');
const octx = overlay.getContext('2d');

/** The progress bar: `done` of `total` tiles, labelled `text` (or "done / total tiles · pct%"). */
export function setProgress(done, total, text) {
  const pct = total ? Math.round((done / total) * 100) : 0;
  const bar = $('progress');
  bar.setAttribute('aria-valuenow', String(pct));
  bar.dataset.value = String(pct);
  $('progress-fill').style.width = `${total ? (done / total) * 100 : 0}%`;
  $('progress-label').textContent = text ?? `${done} / ${total} tiles · ${pct}%`;
}

/** Darkens the whole overlay: the tiles not painted yet. */
function veil(view) {
  overlay.classList.remove('faded');
  overlay.width = view.width;
  overlay.height = view.height;
  octx.clearRect(0, 0, view.width, view.height);
  octx.fillStyle = 'rgba(12, 16, 32, 0.62)';
  octx.fillRect(0, 0, view.width, view.height);
}

/** Outlines tile `t` in `worker`'s color: dashed while running, faint once painted. */
function outline(t, worker, running) {
  octx.save();
  octx.strokeStyle = workerColor(worker);
  octx.lineWidth = running ? 2 : 1;
  octx.globalAlpha = running ? 1 : 0.5;
  if (running) octx.setLineDash([5, 4]);
  octx.strokeRect(t.x0 + 1, t.y0 + 1, t.w - 2, t.h - 2);
  octx.restore();
}

/** After a render the outlines fade away, unless the "keep" box is ticked. */
export function settleOutlines() {
  const r = state.lastRender;
  if (!r || r.running) return;
  overlay.classList.toggle('faded', !$('outlines').checked);
}

/**
 * Renders `view` on a pool of `workers`, painting each tile as its future
 * completes. Resolves to a summary (also mirrored into data-attributes).
 */
export async function renderImage({ workers = workerCount(), view = state.view } = {}) {
  workers = clampWorkers(workers);
  view = { ...view };
  const pool = await begin(workers, view);
  const tiles = tileGrid(view.width, view.height, TILE);
  const record = { running: true, view };
  state.lastRender = record;
  setProgress(0, tiles.length);
  for (const s of ['time', 'tiles', 'rate', 'sum']) $(`stat-${s}`).textContent = '–';
  const t0 = startLanes();

  const futures = tiles.map((t) => submitTile(pool, view, t));
  const perWorker = await paintAsCompleted(futures, tiles, t0);

  const ms = now() - t0;
  record.running = false;
  settleOutlines();
  stopLanes(tiles.length);
  return finish({ workers, view, tiles, ms, perWorker });
}

/** Shows what is about to be rendered, and starts (or reuses) the pool of `workers`. */
async function begin(workers, view) {
  $('workers').value = String(workers);
  state.view = view;
  syncPreset(view);
  document.body.dataset.done = document.body.dataset.done === 'true' ? 'true' : 'false';
  document.body.dataset.rendering = 'true';
  setProgress(0, 0, `starting ${plural(workers, 'worker')}…`);
  setupLanes(workers);
  const pool = await getPool(workers);
  if (canvas.width !== view.width || canvas.height !== view.height) {
    canvas.width = view.width;
    canvas.height = view.height;
  }
  veil(view);
  return pool;
}

/** Submits tile `t`; the task reports when it starts, so its lane and outline show it in progress. */
function submitTile(pool, view, t) {
  const f = pool.submit(mandelbrotTile, view, t.x0, t.y0, t.w, t.h, true);
  f.onProgress((p) => {
    if (f.done() || !p || typeof p.worker !== 'number') return;
    laneStarted(p.worker, t, p.started, TILE);
    outline(t, p.worker, true);
  });
  return f;
}

/** Paints each tile as its future completes; resolves to the tile count per worker index. */
async function paintAsCompleted(futures, tiles, t0) {
  const tileOf = new Map(futures.map((f, i) => [f, tiles[i]]));
  const perWorker = new Map();
  let done = 0;
  for await (const f of asCompleted(futures)) {
    const r = await f; // rethrows a task's error
    const t = tileOf.get(f);
    ctx.putImageData(new ImageData(r.pixels, r.w, r.h), r.x0, r.y0);
    octx.clearRect(t.x0, t.y0, t.w, t.h);
    outline(t, r.worker, false);
    laneFinished(r, t);
    perWorker.set(r.worker, (perWorker.get(r.worker) || 0) + 1);

    done++;
    setProgress(done, tiles.length);
    $('stat-tiles').textContent = `${done} / ${tiles.length}`;
    $('stat-time').textContent = fmtMs(now() - t0);
  }
  return perWorker;
}

/** The stats, the progress label and body's data-attributes of a finished render; its summary. */
function finish({ workers, view, tiles, ms, perWorker }) {
  const sum = checksum(ctx.getImageData(0, 0, view.width, view.height).data);
  $('stat-time').textContent = fmtMs(ms);
  $('stat-rate').textContent = fmtRate((view.width * view.height) / (ms / 1000));
  $('stat-sum').textContent = sum;
  $('stat-sum').title = 'FNV-1a of the canvas bytes';
  const n = tiles.length;
  setProgress(n, n, `${n} / ${n} tiles · 100% · ${fmtMs(ms)} on ${plural(workers, 'worker')}`);
  Object.assign(document.body.dataset, {
    done: 'true',
    rendering: 'false',
    checksum: sum,
    workersUsed: String(perWorker.size),
    workers: String(workers),
  });
  return {
    workers,
    tiles: n,
    ms,
    checksum: sum,
    workersUsed: perWorker.size,
    perWorker: Object.fromEntries([...perWorker].sort((a, b) => a[0] - b[0])),
    view,
  };
}
