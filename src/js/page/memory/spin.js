// How long an idle worker spins before it sleeps, set as a time rather than
// a count: the core's spin is a number of rounds of a queue check, and a
// round's speed differs per engine (wasm has no pause instruction). A spin
// that ends before the page's next `await`ed submit makes every submit wake a
// sleeping worker instead, an order of magnitude slower than finding it
// spinning (bench/NOTES.md, "Idle spin").

// Long enough for a page to get a result and submit the next task (tens of
// µs in Firefox), and no longer: on 2 cores a longer spin keeps a core from
// the browser's other threads and raises the p99.
const SPIN_US = 60;
// Rounds timed per probe: ~0.1-0.5 ms, well above the coarsest clock of an
// isolated page (Firefox: 20 µs steps).
const PROBE_ROUNDS = 100_000;

// The probe's result, per page: the spin loop's speed is the engine's and the
// machine's, not the pool's, and a probe costs the main thread up to a
// millisecond. null: the clock could not time it.
/** @type {number | null | undefined} */
let spinRounds;

/**
 * Sets the pool's spin to SPIN_US, timing the core's spin loop on this
 * thread the first time (the best of three probes, so a JIT tier-up or a
 * preemption does not count). Leaves the core's default if the clock cannot
 * time it.
 * @param {import('../../runtime.js').WasmExports} wasm
 * @param {number} ptr the pool's handle
 */
export function calibrateSpin(wasm, ptr) {
  spinRounds ??= probeSpinRounds(wasm, ptr);
  if (spinRounds !== null) wasm.wp_set_spin_rounds(ptr, spinRounds);
}

/**
 * @param {import('../../runtime.js').WasmExports} wasm
 * @param {number} ptr
 * @returns {number | null}
 */
function probeSpinRounds(wasm, ptr) {
  let best = Infinity;
  for (let probe = 0; probe < 3; probe++) {
    const t = performance.now();
    const rounds = wasm.wp_spin_probe(ptr, PROBE_ROUNDS);
    const ms = performance.now() - t;
    if (rounds === PROBE_ROUNDS && ms > 0) best = Math.min(best, ms / rounds);
  }
  if (best === Infinity) return null;
  return Math.min(Math.max(Math.round(SPIN_US / 1000 / best), 1_000), 10_000_000);
}
