// The wasmpool demo page, wiring only: a tiled Mandelbrot on a worker pool
// (render.js, with live per-worker lanes: lanes.js), a speedup chart
// (speedup.js) and a playground comparing submit / map / asCompleted
// (playground.js). The view and the pool live in view.js, the error box in
// errors.js, the tile kernel in mandelbrot.js. Plain ES modules, no bundler.
import { catchUncaught, showError } from './errors.js';
import { drawLanes } from './lanes.js';
import { PRESETS } from './mandelbrot.js';
import { playground } from './playground.js';
import { renderImage, setProgress, settleOutlines } from './render.js';
import { measureSpeedup, resetChart } from './speedup.js';
import { $, cores, MAX_WORKERS, plural } from './util.js';
import { state, workerCount, zoomedView } from './view.js';

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

function environment() {
  $('env').innerHTML =
    `${plural(cores, 'logical core')} · ` +
    (globalThis.crossOriginIsolated
      ? '<span class="yes">cross-origin isolated ✓</span> (SharedArrayBuffer available)'
      : '<span class="no">not cross-origin isolated</span> (no SharedArrayBuffer: tasks travel by postMessage)') +
    ' · transport: <span id="transport">…</span>';
}

/** Fills the controls and connects them to the demo's actions. */
function setup() {
  environment();
  const input = $('workers');
  input.max = String(MAX_WORKERS);
  input.value = String(cores);
  input.title = `1 to ${MAX_WORKERS} (this machine has ${cores} logical cores)`;
  const select = $('preset');
  for (const [key, p] of Object.entries(PRESETS)) select.append(new Option(p.label, key));
  select.value = 'seahorse';
  resetChart(Math.max(2, workerCount()));

  const guarded = (p) => p.catch(showError);
  $('render').addEventListener('click', () => guarded(demo.render()));
  select.addEventListener('change', () => guarded(demo.render({ view: PRESETS[select.value] })));
  input.addEventListener('change', () => {
    const speedup = document.body.dataset.speedup;
    if (speedup !== 'done' && speedup !== 'running') resetChart(Math.max(2, workerCount()));
    guarded(demo.render());
  });
  $('measure').addEventListener('click', () => guarded(demo.measureSpeedup()));
  $('play').addEventListener('click', () => guarded(demo.playground()));
  $('outlines').addEventListener('change', settleOutlines);
  window.addEventListener('resize', () => drawLanes());

  // Click to zoom in where the click is; shift- or alt-click to zoom out.
  $('stage').addEventListener('click', (e) => {
    if (busy) return;
    const rect = $('stage').getBoundingClientRect();
    const v = state.view;
    const px = ((e.clientX - rect.left) / rect.width) * v.width;
    const py = ((e.clientY - rect.top) / rect.height) * v.height;
    guarded(demo.render({ view: zoomedView(v, px, py, e.shiftKey || e.altKey) }));
  });
}

catchUncaught();
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
