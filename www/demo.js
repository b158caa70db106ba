// The wasmpool demo: a tiled Mandelbrot on a worker pool, live per-worker
// lanes, a speedup chart and a playground comparing submit / map / asCompleted.
// Plain ES modules, no bundler.
import { asCompleted, NotIsolatedError, Pool } from '../src/js/index.js';
import { checksum, DEFAULT_VIEW, mandelbrotTile, PRESETS, TILE, tileGrid } from './mandelbrot.js';

const $ = (id) => document.getElementById(id);
const cores = Math.max(1, navigator.hardwareConcurrency || 4);
const MAX_WORKERS = cores * 2;
const now = () => performance.timeOrigin + performance.now(); // comparable across page and workers

// Distinct, colorblind-friendly-ish lane colors; golden-angle hues after ten.
const PALETTE = [
  '#4f46e5',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#06b6d4',
  '#a855f7',
  '#84cc16',
  '#ec4899',
  '#0ea5e9',
  '#78716c',
];
const workerColor = (i) => (i < PALETTE.length ? PALETTE[i] : `hsl(${Math.round((i * 137.508) % 360)} 65% 50%)`);

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const fmtRate = (r) =>
  r >= 1e6 ? `${(r / 1e6).toFixed(1)} M` : r >= 1e3 ? `${(r / 1e3).toFixed(0)} k` : `${Math.round(r)}`;

// ---------------------------------------------------------------- errors

const shown = new WeakSet();
function showError(error) {
  if (error !== null && typeof error === 'object') {
    if (shown.has(error)) return; // one error reaches here by several paths at most once
    shown.add(error);
  }
  const box = $('error');
  const name = error?.name || 'Error';
  const text = error && error.message !== undefined ? `${name}: ${error.message}` : String(error);
  const pre = $('error-text');
  pre.textContent = pre.textContent ? `${pre.textContent}\n${text}` : text;
  const hint = $('error-hint');
  if (error instanceof NotIsolatedError || name === 'NotIsolatedError') {
    hint.hidden = false;
    hint.innerHTML =
      'This page needs cross-origin isolation for its shared memory. Serve it with <code>npm run demo</code>, ' +
      'which sends both headers, or configure your server to send them.';
    $('error').querySelector('.error-title').textContent = 'This page is not cross-origin isolated';
  }
  box.hidden = false;
  document.body.dataset.error = name;
  console.error(error);
}
window.addEventListener('error', (e) => showError(e.error || new Error(e.message)));
window.addEventListener('unhandledrejection', (e) => showError(e.reason));

// One action at a time: renders, measurements and the playground share the CPU.
let chain = Promise.resolve();
let busy = 0;
function exclusive(fn) {
  const run = chain.then(async () => {
    busy++;
    setBusy();
    try {
      return await fn();
    } finally {
      busy--;
      setBusy();
    }
  });
  chain = run.catch(() => {});
  return run;
}
function setBusy() {
  for (const id of ['render', 'measure', 'play']) $(id).disabled = busy > 0;
  document.body.dataset.busy = String(busy > 0);
}

// ---------------------------------------------------------------- state

const canvas = $('canvas');
const ctx = canvas.getContext('2d', { willReadFrequently: true });
const overlay = $('overlay');
const octx = overlay.getContext('2d');

const state = {
  view: { ...DEFAULT_VIEW },
  pool: null,
  poolSize: 0,
  lastRender: null,
};

function workerCount() {
  const n = Math.round(Number($('workers').value));
  return Number.isFinite(n) ? Math.min(MAX_WORKERS, Math.max(1, n)) : cores;
}

async function getPool(workers) {
  if (state.pool && state.poolSize === workers) return state.pool;
  const old = state.pool;
  state.pool = null;
  if (old) await old.shutdown();
  const pool = new Pool({ workers }); // throws NotIsolatedError without COOP/COEP
  state.pool = pool;
  state.poolSize = workers;
  await pool.ready;
  return pool;
}

// ---------------------------------------------------------------- worker lanes

const lanes = {
  t0: 0,
  tEnd: 0,
  live: false,
  rows: [], // per worker: { el, canvas, status, count, blocks: [{start, end}], current: {tile, start} | null, done }
  raf: 0,
};

function setupLanes(workers) {
  const root = $('lanes');
  root.textContent = '';
  lanes.rows = [];
  for (let i = 0; i < workers; i++) addLane(i);
}

function addLane(i) {
  const root = $('lanes');
  const el = document.createElement('div');
  el.className = 'lane';
  el.dataset.worker = String(i);
  el.dataset.tiles = '0';
  el.style.setProperty('--c', workerColor(i));
  el.innerHTML =
    `<div class="lane-name"><b>worker ${i}</b><span class="lane-status">idle</span></div>` +
    '<canvas class="lane-track" height="26"></canvas>' +
    '<div class="lane-count"><span>0</span><small>tiles</small></div>';
  root.append(el);
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

function drawLanes() {
  const end = lanes.live ? now() : lanes.tEnd;
  const span = Math.max(end - lanes.t0, 1);
  $('axis-end').textContent = lanes.t0 ? fmtMs(span) : '';
  const dpr = window.devicePixelRatio || 1;
  for (const [i, row] of lanes.rows.entries()) {
    if (!row) continue;
    const c = row.canvas;
    const w = Math.max(1, Math.round(c.clientWidth * dpr));
    const h = Math.max(1, Math.round(c.clientHeight * dpr));
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const g = c.getContext('2d');
    g.clearRect(0, 0, w, h);
    const color = workerColor(i);
    const x = (t) => ((t - lanes.t0) / span) * w;
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
window.addEventListener('resize', () => drawLanes());

// ---------------------------------------------------------------- progress, overlay

function setProgress(done, total, text) {
  const pct = total ? Math.round((done / total) * 100) : 0;
  const bar = $('progress');
  bar.setAttribute('aria-valuenow', String(pct));
  bar.dataset.value = String(pct);
  $('progress-fill').style.width = `${total ? (done / total) * 100 : 0}%`;
  $('progress-label').textContent = text ?? `${done} / ${total} tiles · ${pct}%`;
}

function veil(view) {
  overlay.classList.remove('faded');
  overlay.width = view.width;
  overlay.height = view.height;
  octx.clearRect(0, 0, view.width, view.height);
  octx.fillStyle = 'rgba(12, 16, 32, 0.62)';
  octx.fillRect(0, 0, view.width, view.height);
}

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
function settleOutlines() {
  const r = state.lastRender;
  if (!r || r.running) return;
  overlay.classList.toggle('faded', !$('outlines').checked);
}
$('outlines').addEventListener('change', settleOutlines);

// ---------------------------------------------------------------- render

/**
 * Renders `view` on a pool of `workers`, painting each tile as its future
 * completes. Resolves to a summary (also mirrored into data-attributes).
 */
async function renderImage({ workers = workerCount(), view = state.view } = {}) {
  workers = Math.min(MAX_WORKERS, Math.max(1, Math.round(workers)));
  $('workers').value = String(workers);
  view = { ...view };
  state.view = view;
  syncPreset(view);
  document.body.dataset.done = document.body.dataset.done === 'true' ? 'true' : 'false';
  document.body.dataset.rendering = 'true';
  setProgress(0, 0, `starting ${workers} worker${workers === 1 ? '' : 's'}…`);
  setupLanes(workers);
  const pool = await getPool(workers);

  if (canvas.width !== view.width || canvas.height !== view.height) {
    canvas.width = view.width;
    canvas.height = view.height;
  }
  veil(view);
  const tiles = tileGrid(view.width, view.height, TILE);
  const record = { running: true, owners: [], view };
  state.lastRender = record;
  setProgress(0, tiles.length);
  for (const s of ['time', 'tiles', 'rate', 'sum']) $(`stat-${s}`).textContent = '–';

  lanes.t0 = now();
  lanes.live = true;
  animateLanes();

  const tileOf = new Map();
  const futures = tiles.map((t) => {
    const f = pool.submit(mandelbrotTile, view, t.x0, t.y0, t.w, t.h, true);
    tileOf.set(f, t);
    // The task reports when it starts: the lane shows the tile in progress.
    f.onProgress((p) => {
      if (f.done() || !p || typeof p.worker !== 'number') return;
      const row = laneOf(p.worker);
      row.current = { tile: t, start: p.started };
      row.status.textContent = `on tile ${t.id} (${t.x0 / TILE}, ${t.y0 / TILE})`;
      row.el.dataset.current = String(t.id);
      outline(t, p.worker, true);
    });
    return f;
  });

  const perWorker = new Map();
  let done = 0;
  for await (const f of asCompleted(futures)) {
    const r = await f; // rethrows a task's error
    const t = tileOf.get(f);
    ctx.putImageData(new ImageData(r.pixels, r.w, r.h), r.x0, r.y0);
    octx.clearRect(t.x0, t.y0, t.w, t.h);
    outline(t, r.worker, false);
    record.owners.push({ tile: t, worker: r.worker });

    const row = laneOf(r.worker);
    row.blocks.push({ start: r.start, end: r.end });
    row.busyMs += r.end - r.start;
    row.done++;
    if (row.current && row.current.tile === t) row.current = null;
    row.el.dataset.tiles = String(row.done);
    row.count.textContent = String(row.done);
    if (!row.current) row.status.textContent = `done tile ${t.id}`;
    perWorker.set(r.worker, (perWorker.get(r.worker) || 0) + 1);

    done++;
    setProgress(done, tiles.length);
    $('stat-tiles').textContent = `${done} / ${tiles.length}`;
    $('stat-time').textContent = fmtMs(now() - lanes.t0);
  }
  const ms = now() - lanes.t0;
  lanes.live = false;
  lanes.tEnd = now();
  record.running = false;
  settleOutlines();
  for (const row of lanes.rows) {
    if (!row) continue;
    row.current = null;
    const share = (row.done / tiles.length) * 100;
    row.status.textContent = `${share.toFixed(0)}% · busy ${fmtMs(row.busyMs)}`;
    row.status.title = `${row.done} of ${tiles.length} tiles; computing for ${fmtMs(row.busyMs)} in total`;
  }
  drawLanes();

  const sum = checksum(ctx.getImageData(0, 0, view.width, view.height).data);
  $('stat-time').textContent = fmtMs(ms);
  $('stat-rate').textContent = fmtRate((view.width * view.height) / (ms / 1000));
  $('stat-sum').textContent = sum;
  $('stat-sum').title = 'FNV-1a of the canvas bytes';
  setProgress(
    done,
    tiles.length,
    `${done} / ${tiles.length} tiles · 100% · ${fmtMs(ms)} on ${workers} worker${workers === 1 ? '' : 's'}`,
  );

  const summary = {
    workers,
    tiles: tiles.length,
    ms,
    checksum: sum,
    workersUsed: perWorker.size,
    perWorker: Object.fromEntries([...perWorker].sort((a, b) => a[0] - b[0])),
    view,
  };
  Object.assign(document.body.dataset, {
    done: 'true',
    rendering: 'false',
    checksum: sum,
    workersUsed: String(perWorker.size),
    workers: String(workers),
  });
  return summary;
}

/** The view menu shows the preset being rendered, or "custom" after a zoom. */
function syncPreset(view) {
  const select = $('preset');
  const key = Object.keys(PRESETS).find((k) => ['cx', 'cy', 'span', 'maxIter'].every((f) => PRESETS[k][f] === view[f]));
  let custom = select.querySelector('option[value="custom"]');
  if (key) {
    custom?.remove();
    select.value = key;
  } else {
    if (!custom) {
      custom = new Option('Custom (zoomed)', 'custom');
      select.append(custom);
    }
    select.value = 'custom';
  }
}

// ---------------------------------------------------------------- speedup

/** Time to render `view` on a fresh pool of n workers (best of `repeats`, after a small warm-up). */
async function timeRender(n, view, repeats) {
  const pool = new Pool({ workers: n });
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

async function measureSpeedup({ maxWorkers = Math.max(2, workerCount()), size, view = state.view, repeats = 2 } = {}) {
  maxWorkers = Math.min(MAX_WORKERS, Math.max(1, Math.round(maxWorkers)));
  const v = size ? { ...view, width: size, height: size } : { ...view };
  document.body.dataset.speedup = 'running';
  $('speedup-n').textContent = String(maxWorkers);
  const results = [];
  drawChart(results, maxWorkers);
  try {
    for (let n = 1; n <= maxWorkers; n++) {
      $('chart-caption').textContent = `measuring ${n} worker${n === 1 ? '' : 's'} (${v.width}×${v.height} px)…`;
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
    `best: ${best.speedup.toFixed(2)}× with ${best.workers} worker${best.workers === 1 ? '' : 's'}` +
    ` (${v.width}×${v.height} px, ${cores} logical core${cores === 1 ? '' : 's'}). Beyond the core count, workers only take turns.`;
  document.body.dataset.speedup = 'done';
  return { cores, size: v.width, results };
}

const SVG = 'http://www.w3.org/2000/svg';
function svgEl(name, attrs = {}, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function drawChart(results, maxWorkers) {
  const W = 420,
    H = 230,
    L = 52,
    R = 10,
    T = 20,
    B = 40;
  const top = Math.max(2, Math.ceil(Math.max(Math.min(maxWorkers, cores), ...results.map((r) => r.speedup)) + 0.3));
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'speedup versus one worker' });
  const defs = svgEl('defs');
  const grad = svgEl('linearGradient', { id: 'barfill', x1: 0, y1: 0, x2: 0, y2: 1 });
  grad.append(
    svgEl('stop', { offset: '0%', 'stop-color': '#6366f1' }),
    svgEl('stop', { offset: '100%', 'stop-color': '#4338ca' }),
  );
  defs.append(grad);
  svg.append(defs);
  const y = (s) => T + (H - T - B) * (1 - s / top);
  const slot = (W - L - R) / maxWorkers;
  const xc = (n) => L + slot * (n - 0.5);
  // Grid and y ticks.
  for (let s = 0; s <= top; s++) {
    svg.append(svgEl('line', { class: 'gridline', x1: L, x2: W - R, y1: y(s), y2: y(s) }));
    svg.append(svgEl('text', { class: 'tick', x: L - 6, y: y(s) + 3, 'text-anchor': 'end' }, `${s}×`));
  }
  // Ideal speedup on this machine: linear up to the core count, flat after.
  const ideal = [];
  for (let n = 1; n <= maxWorkers; n++) ideal.push(`${xc(n)},${y(Math.min(n, cores))}`);
  svg.append(svgEl('polyline', { class: 'ideal', points: ideal.join(' ') }));
  // Bars.
  const bw = Math.min(46, slot * 0.56);
  for (let n = 1; n <= maxWorkers; n++) {
    const r = results.find((q) => q.workers === n);
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
      rect.append(
        svgEl('title', {}, `${n} worker${n === 1 ? '' : 's'}: ${fmtMs(r.ms)}, ${r.speedup.toFixed(2)}× vs one`),
      );
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
  svg.append(svgEl('text', { class: 'tick', x: L - 8, y: H - B + 15, 'text-anchor': 'end' }, 'workers'));
  if (slot >= 44) svg.append(svgEl('text', { class: 'tick', x: L - 8, y: H - B + 29, 'text-anchor': 'end' }, 'time'));
  svg.append(svgEl('line', { class: 'axis', x1: L, x2: W - R, y1: y(0), y2: y(0) }));
  svg.append(
    svgEl(
      'text',
      { class: 'note', x: L, y: T - 8 },
      `speedup vs 1 worker · dashed: ideal on ${cores} core${cores === 1 ? '' : 's'}`,
    ),
  );
  $('chart').replaceChildren(svg);
}

// ---------------------------------------------------------------- playground

function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function resultRow(i, ms, maxMs, pending) {
  const li = document.createElement('li');
  if (pending) li.className = 'pending';
  li.dataset.index = String(i);
  li.innerHTML =
    `<span class="idx">#${i}</span><span class="sleep" title="sleeps ${ms} ms"><i style="width:${(ms / maxMs) * 100}%"></i></span>` +
    `<span class="when">${pending ? 'pending' : ''}</span>`;
  return li;
}

async function playground({ sleeps, workers = Math.min(cores, 4) } = {}) {
  sleeps ??= shuffle(Array.from({ length: 8 }, (_, k) => 40 + 40 * k));
  const ids = sleeps.map((_, i) => i);
  const maxMs = Math.max(...sleeps, 1);
  const lists = {
    submit: $('col-submit').querySelector('.results'),
    map: $('col-map').querySelector('.results'),
    completed: $('col-completed').querySelector('.results'),
  };
  for (const l of Object.values(lists)) l.textContent = '';
  document.body.dataset.playground = 'running';

  // Async tasks: with concurrency, one worker overlaps all their sleeps.
  const pool = new Pool({ workers, concurrency: 2 * sleeps.length });
  const out = { sleeps, submit: [], map: [], asCompleted: [] };
  try {
    await pool.ready;
    const sleepy = async (i, ms) => {
      await new Promise((r) => setTimeout(r, ms));
      return i;
    };
    const t0 = performance.now();
    const stamp = () => Math.round(performance.now() - t0);

    // Column 1: pool.submit — one future per call, shown in submission order.
    const futures = ids.map((i) => pool.submit(sleepy, i, sleeps[i]));
    const rows = ids.map((i) => lists.submit.appendChild(resultRow(i, sleeps[i], maxMs, true)));
    let rank = 0;
    const submitDone = Promise.all(
      futures.map((f, i) =>
        f.then((value) => {
          const t = stamp();
          const k = ++rank;
          out.submit[i] = { i, value, t, rank: k };
          const li = resultRow(i, sleeps[i], maxMs, false);
          li.querySelector('.when').innerHTML = `${t} ms<span class="rank">${k}</span>`;
          li.dataset.value = String(value);
          rows[i].replaceWith(li);
        }),
      ),
    );

    // Column 2: pool.map — results in input order.
    const mapDone = (async () => {
      let i = 0;
      for await (const value of pool.map(sleepy, ids, sleeps, { chunksize: 1 })) {
        const t = stamp();
        out.map.push({ i, value, t });
        const li = resultRow(value, sleeps[value], maxMs, false);
        li.querySelector('.when').textContent = `${t} ms`;
        li.dataset.value = String(value);
        lists.map.append(li);
        i++;
      }
    })();

    // Column 3: asCompleted over the same futures as column 1 — completion order.
    const completedDone = (async () => {
      for await (const f of asCompleted(futures)) {
        const value = await f;
        const t = stamp();
        out.asCompleted.push({ value, t });
        const li = resultRow(value, sleeps[value], maxMs, false);
        li.querySelector('.when').textContent = `${t} ms`;
        li.dataset.value = String(value);
        lists.completed.append(li);
      }
    })();

    await Promise.all([submitDone, mapDone, completedDone]);
  } finally {
    await pool.shutdown();
  }
  document.body.dataset.playground = 'done';
  return out;
}

// ---------------------------------------------------------------- wiring

function environment() {
  const iso = globalThis.crossOriginIsolated;
  $('env').innerHTML =
    `${cores} logical core${cores === 1 ? '' : 's'} · ` +
    (iso
      ? '<span class="yes">cross-origin isolated ✓</span> (SharedArrayBuffer available)'
      : '<span class="no">not cross-origin isolated ✗</span> (the pool needs COOP/COEP)');
}

function setup() {
  environment();
  const input = $('workers');
  input.max = String(MAX_WORKERS);
  input.value = String(cores);
  input.title = `1 to ${MAX_WORKERS} (this machine has ${cores} logical cores)`;
  const select = $('preset');
  for (const [key, p] of Object.entries(PRESETS)) select.append(new Option(p.label, key));
  select.value = 'seahorse';
  $('speedup-n').textContent = String(Math.max(2, workerCount()));
  drawChart([], Math.max(2, workerCount()));

  const guarded = (p) => p.catch(showError);
  $('render').addEventListener('click', () => guarded(demo.render()));
  select.addEventListener('change', () => guarded(demo.render({ view: PRESETS[select.value] })));
  input.addEventListener('change', () => {
    if (document.body.dataset.speedup !== 'done' && document.body.dataset.speedup !== 'running') {
      $('speedup-n').textContent = String(Math.max(2, workerCount()));
      drawChart([], Math.max(2, workerCount()));
    }
    guarded(demo.render());
  });
  $('measure').addEventListener('click', () => guarded(demo.measureSpeedup()));
  $('play').addEventListener('click', () => guarded(demo.playground()));

  $('stage').addEventListener('click', (e) => {
    if (busy) return;
    const rect = $('stage').getBoundingClientRect();
    const v = state.view;
    const scale = v.span / Math.min(v.width, v.height);
    const px = ((e.clientX - rect.left) / rect.width) * v.width;
    const py = ((e.clientY - rect.top) / rect.height) * v.height;
    const zoomOut = e.shiftKey || e.altKey;
    const next = {
      ...v,
      label: 'custom',
      cx: v.cx + (px - v.width / 2) * scale,
      cy: v.cy - (py - v.height / 2) * scale,
      span: zoomOut ? Math.min(v.span * 4, 4) : v.span / 4,
      maxIter: Math.round(Math.min(6000, Math.max(300, v.maxIter * (zoomOut ? 0.8 : 1.25)))),
    };
    guarded(demo.render({ view: next }));
  });
}

/** Hooks for people poking around in the console, and for the browser test. */
const demo = {
  render: (options = {}) => exclusive(() => renderImage(options)),
  measureSpeedup: (options = {}) => exclusive(() => measureSpeedup(options)),
  playground: (options = {}) => exclusive(() => playground(options)),
  get view() {
    return { ...state.view };
  },
  cores,
};
window.demo = demo;

setup();
demo.first = demo.render().catch((e) => {
  showError(e);
  setProgress(0, 0, 'the pool could not start');
  throw e;
});
demo.first.catch(() => {});
// Then fill the playground once, so the page shows all three orders right away.
demo.first.then(
  () => demo.playground().catch(showError),
  () => {},
);
