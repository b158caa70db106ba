// Small helpers every part of the demo uses: element lookup, the machine's
// core count, a clock shared with the workers, lane colors and number formats.

export const $ = (id) => document.getElementById(id);

/** Logical cores of this machine (4 when the browser does not say). */
export const cores = Math.max(1, navigator.hardwareConcurrency || 4);

/** The worker control goes up to twice the core count, to show oversubscription. */
export const MAX_WORKERS = cores * 2;

/** Milliseconds since the epoch, comparable across the page and its workers. */
export const now = () => performance.timeOrigin + performance.now();

/** Clamps a requested worker count to 1..MAX_WORKERS. */
export const clampWorkers = (n) => Math.min(MAX_WORKERS, Math.max(1, Math.round(n)));

/** "1 worker", "3 workers". */
export const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

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

/** The color of worker `i`'s lane and tile outlines. */
export const workerColor = (i) => (i < PALETTE.length ? PALETTE[i] : `hsl(${Math.round((i * 137.508) % 360)} 65% 50%)`);

export const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

export const fmtRate = (r) =>
  r >= 1e6 ? `${(r / 1e6).toFixed(1)} M` : r >= 1e3 ? `${(r / 1e3).toFixed(0)} k` : `${Math.round(r)}`;
