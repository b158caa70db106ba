// "Workers at work": one lane per worker, a block per tile from the moment the
// worker started it to the moment it finished, and the tile in progress.
import { $, fmtMs, now, workerColor } from './util.js';

const lanes = {
  t0: 0,
  tEnd: 0,
  live: false,
  rows: [], // per worker: { el, canvas, status, count, blocks: [{start, end}], current: {tile, start} | null, done, busyMs }
  raf: 0,
};

/** Empties the lanes and makes one per worker. */
export function setupLanes(workers) {
  $('lanes').textContent = '';
  lanes.rows = [];
  for (let i = 0; i < workers; i++) addLane(i);
}

function addLane(i) {
  const el = document.createElement('div');
  el.className = 'lane';
  el.dataset.worker = String(i);
  el.dataset.tiles = '0';
  el.style.setProperty('--c', workerColor(i));
  el.innerHTML =
    `<div class="lane-name"><b>worker ${i}</b><span class="lane-status">idle</span></div>` +
    '<canvas class="lane-track" height="26"></canvas>' +
    '<div class="lane-count"><span>0</span><small>tiles</small></div>';
  $('lanes').append(el);
  lanes.rows[i] = {
    el,
    canvas: el.querySelector('canvas'),
    status: el.querySelector('.lane-status'),
    count: el.querySelector('.lane-count span'),
    blocks: [],
    current: null,
    done: 0,
    busyMs: 0,
  };
  return lanes.rows[i];
}

const laneOf = (i) => lanes.rows[i] || addLane(i);

/** Starts the clock and the animation of a render; returns its start time. */
export function startLanes() {
  lanes.t0 = now();
  lanes.live = true;
  animateLanes();
  return lanes.t0;
}

/** Worker `worker` started tile `t` at `started`: its lane shows the tile in progress. */
export function laneStarted(worker, t, started, tileSize) {
  const row = laneOf(worker);
  row.current = { tile: t, start: started };
  row.status.textContent = `on tile ${t.id} (${t.x0 / tileSize}, ${t.y0 / tileSize})`;
  row.el.dataset.current = String(t.id);
}

/** Tile `t` came back as result `r` (with its worker, start and end): a block in that lane. */
export function laneFinished(r, t) {
  const row = laneOf(r.worker);
  row.blocks.push({ start: r.start, end: r.end });
  row.busyMs += r.end - r.start;
  row.done++;
  if (row.current && row.current.tile === t) row.current = null;
  row.el.dataset.tiles = String(row.done);
  row.count.textContent = String(row.done);
  if (!row.current) row.status.textContent = `done tile ${t.id}`;
}

/** Stops the clock; each lane's status shows its share of the `total` tiles. */
export function stopLanes(total) {
  lanes.live = false;
  lanes.tEnd = now();
  for (const row of lanes.rows) {
    if (!row) continue;
    row.current = null;
    const share = (row.done / total) * 100;
    row.status.textContent = `${share.toFixed(0)}% · busy ${fmtMs(row.busyMs)}`;
    row.status.title = `${row.done} of ${total} tiles; computing for ${fmtMs(row.busyMs)} in total`;
  }
  drawLanes();
}

/** Redraws every lane against the time axis (0 … now while live, 0 … the end after). */
export function drawLanes() {
  const end = lanes.live ? now() : lanes.tEnd;
  const span = Math.max(end - lanes.t0, 1);
  $('axis-end').textContent = lanes.t0 ? fmtMs(span) : '';
  const dpr = window.devicePixelRatio || 1;
  for (const [i, row] of lanes.rows.entries()) {
    if (row) drawLane(row, workerColor(i), (t) => (t - lanes.t0) / span, end, dpr);
  }
}

/** One lane: a block per finished tile, and a striped one with a cursor for the tile in progress. */
function drawLane(row, color, at, end, dpr) {
  const c = row.canvas;
  const w = Math.max(1, Math.round(c.clientWidth * dpr));
  const h = Math.max(1, Math.round(c.clientHeight * dpr));
  if (c.width !== w || c.height !== h) {
    c.width = w;
    c.height = h;
  }
  const g = c.getContext('2d');
  g.clearRect(0, 0, w, h);
  const x = (t) => at(t) * w;
  const pad = 3 * dpr;
  g.fillStyle = color;
  for (const b of row.blocks) {
    const x0 = Math.max(0, x(b.start));
    const x1 = Math.max(x0 + 1, x(b.end) - 0.6 * dpr); // a hairline gap between tiles
    g.globalAlpha = 0.9;
    g.fillRect(x0, pad, x1 - x0, h - 2 * pad);
  }
  if (row.current && lanes.live) {
    const x0 = Math.max(0, x(row.current.start));
    const x1 = Math.max(x0 + 2, x(end));
    g.globalAlpha = 0.35;
    g.fillRect(x0, pad, x1 - x0, h - 2 * pad);
    g.globalAlpha = 0.9;
    g.fillRect(x1 - 2 * dpr, pad, 2 * dpr, h - 2 * pad);
  }
  g.globalAlpha = 1;
}

function animateLanes() {
  cancelAnimationFrame(lanes.raf);
  let last = 0;
  const tick = (t) => {
    if (t - last >= 40) {
      // ~25 fps is plenty, and leaves the CPU to the workers
      last = t;
      drawLanes();
    }
    if (lanes.live) lanes.raf = requestAnimationFrame(tick);
  };
  lanes.raf = requestAnimationFrame(tick);
}
