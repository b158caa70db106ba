// The Mandelbrot kernel shared by the demo page (which sends it to the pool's
// workers) and the browser test (which runs it on the main thread as the
// reference). Pure module: no DOM, no pool.

/** Views offered by the demo; `span` is the width of the shorter side in the complex plane. */
export const PRESETS = Object.freeze({
  seahorse: Object.freeze({
    label: 'Seahorse valley',
    width: 640,
    height: 640,
    cx: -0.7453,
    cy: 0.1127,
    span: 0.0065,
    maxIter: 1500,
  }),
  spiral: Object.freeze({
    label: 'Double spiral',
    width: 640,
    height: 640,
    cx: -0.74364,
    cy: 0.13182,
    span: 0.0035,
    maxIter: 1500,
  }),
  whole: Object.freeze({ label: 'The whole set', width: 640, height: 640, cx: -0.65, cy: 0, span: 2.9, maxIter: 600 }),
  antenna: Object.freeze({
    label: 'Antenna',
    width: 640,
    height: 640,
    cx: -0.16,
    cy: 1.0405,
    span: 0.026,
    maxIter: 1000,
  }),
});

/** The view rendered on load. */
export const DEFAULT_VIEW = PRESETS.seahorse;

/** Edge of a square tile, in pixels. */
export const TILE = 64;

/**
 * Renders the pixels [x0, x0 + w) × [y0, y0 + h) of `view` as RGBA bytes.
 *
 * This function is sent to the workers AS SOURCE TEXT and compiled there, so it
 * must not use anything from its module or the page: every constant lives
 * inside it and every input is an argument. A pixel's color depends only on its
 * absolute coordinates, so rendering tile by tile gives exactly the bytes of one
 * full-image call (the test relies on that).
 *
 * With `live`, the task tells the page which tile its worker started (a
 * progress report), for the demo's per-worker activity lanes.
 */
export function mandelbrotTile(view, x0, y0, w, h, live = false) {
  const now = () => performance.timeOrigin + performance.now();
  const start = now();
  const wp = typeof self === 'object' && self !== null ? self.wasmpool : undefined;
  if (live && wp) wp.progress({ started: start, worker: wp.workerIndex });

  const { width, height, cx, cy, span, maxIter } = view;
  const scale = span / Math.min(width, height); // complex units per pixel
  const left = cx - (width / 2) * scale;
  const top = cy + (height / 2) * scale; // imaginary axis points up

  // A cyclic gradient (stop, r, g, b): midnight blue → azure → ice → amber → ink.
  const STOPS = [
    [0, 0, 7, 100],
    [0.16, 32, 107, 203],
    [0.42, 237, 255, 255],
    [0.6425, 255, 170, 0],
    [0.8575, 0, 2, 0],
    [1, 0, 7, 100],
  ];
  const CYCLE = 48; // smooth iterations per trip around the gradient
  const BAILOUT = 256; // a large escape radius makes the smooth coloring seamless

  const out = new Uint8ClampedArray(w * h * 4);
  for (let py = 0; py < h; py++) {
    const ci = top - (y0 + py + 0.5) * scale;
    for (let px = 0; px < w; px++) {
      const cr = left + (x0 + px + 0.5) * scale;
      let zr = 0,
        zi = 0,
        zr2 = 0,
        zi2 = 0,
        i = 0;
      while (i < maxIter && zr2 + zi2 < BAILOUT) {
        zi = 2 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        i++;
      }
      const o = (py * w + px) * 4;
      out[o + 3] = 255;
      if (i === maxIter) continue; // inside the set: black
      // Continuous ("smooth") iteration count: no banding between iterations.
      const nu = i + 1 - Math.log2(Math.log2(zr2 + zi2) / 2);
      let t = (Math.sqrt(Math.max(nu, 0)) * 8) / CYCLE;
      t -= Math.floor(t);
      let k = 1;
      while (STOPS[k][0] < t) k++;
      const a = STOPS[k - 1],
        b = STOPS[k];
      const f = (t - a[0]) / (b[0] - a[0]);
      out[o] = a[1] + (b[1] - a[1]) * f;
      out[o + 1] = a[2] + (b[2] - a[2]) * f;
      out[o + 2] = a[3] + (b[3] - a[3]) * f;
    }
  }
  return {
    pixels: out,
    x0,
    y0,
    w,
    h,
    worker: wp ? wp.workerIndex : -1,
    workerId: wp ? wp.workerId : 'main',
    start,
    end: now(),
  };
}

/** The tiles of a width × height image, nearest to the center first (the image grows outwards). */
export function tileGrid(width, height, tile = TILE) {
  const tiles = [];
  for (let y0 = 0; y0 < height; y0 += tile) {
    for (let x0 = 0; x0 < width; x0 += tile) {
      tiles.push({ x0, y0, w: Math.min(tile, width - x0), h: Math.min(tile, height - y0) });
    }
  }
  const d = (t) => Math.hypot(t.x0 + t.w / 2 - width / 2, t.y0 + t.h / 2 - height / 2);
  tiles.sort((a, b) => d(a) - d(b) || a.y0 - b.y0 || a.x0 - b.x0);
  tiles.forEach((t, id) => {
    t.id = id;
  });
  return tiles;
}

/** FNV-1a over the bytes: a deterministic fingerprint of an image. */
export function checksum(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
