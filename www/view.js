// What the Mandelbrot card shows and with what: the current view (preset or
// zoomed), the worker count asked for, and the pool that renders it.
import { Pool } from '../src/js/index.js';
import { DEFAULT_VIEW, PRESETS } from './mandelbrot.js';
import { $, clampWorkers, cores } from './util.js';

export const state = {
  view: { ...DEFAULT_VIEW },
  pool: null,
  poolSize: 0,
  /** The latest render: { running, view }. */
  lastRender: null,
};

/** The worker count in the "Workers" field, clamped (the core count if it is not a number). */
export function workerCount() {
  const n = Math.round(Number($('workers').value));
  return Number.isFinite(n) ? clampWorkers(n) : cores;
}

/** A started pool of `workers` workers: the current one, or a new one replacing it. */
export async function getPool(workers) {
  if (state.pool && state.poolSize === workers) return state.pool;
  const old = state.pool;
  state.pool = null;
  if (old) await old.shutdown();
  // 'auto': shared memory where the page is cross-origin isolated, else messages.
  const pool = new Pool({ workers, quiet: true });
  showTransport(pool.transport);
  state.pool = pool;
  state.poolSize = workers;
  await pool.ready;
  return pool;
}

/** Which transport the demo's pools run, in the page's environment line. */
export function showTransport(transport) {
  document.body.dataset.transport = transport;
  const span = document.getElementById('transport');
  if (span) {
    span.className = transport === 'shared' ? 'yes' : 'no';
    span.textContent =
      transport === 'shared' ? 'shared memory' : 'message passing (serve with COOP/COEP for shared memory)';
  }
}

/** The view menu shows the preset being rendered, or "custom" after a zoom. */
export function syncPreset(view) {
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

/**
 * The view after a click at (`px`, `py`) canvas pixels of `v`: centred there,
 * 4× closer (4× farther with `zoomOut`, at most the whole set), with more
 * iterations as it gets deeper.
 */
export function zoomedView(v, px, py, zoomOut) {
  const scale = v.span / Math.min(v.width, v.height);
  return {
    ...v,
    label: 'custom',
    cx: v.cx + (px - v.width / 2) * scale,
    cy: v.cy - (py - v.height / 2) * scale,
    span: zoomOut ? Math.min(v.span * 4, 4) : v.span / 4,
    maxIter: Math.round(Math.min(6000, Math.max(300, v.maxIter * (zoomOut ? 0.8 : 1.25)))),
  };
}
