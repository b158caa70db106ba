// How long an idle worker spins before it sleeps, set as a time rather than
// a count: the core's spin is a number of rounds of a queue check, and a
// round's speed differs per engine (wasm has no pause instruction). A spin
// that ends before the page's next `await`ed submit makes every submit wake a
// sleeping worker instead, which measured 44 µs a submit in Firefox ESR 153
// (p50, one task at a time) against 3 µs when the worker was still spinning.

// Long enough for a page to get a result and submit the next task (Firefox
// needs tens of µs, Chromium ~5), and no longer: on 2 cores a longer spin
// keeps a core from the browser's other threads. Measured (steady p99 of
// sequential round trips, Chromium; round trip p50/p90, Firefox): 200 µs gave
// 100–125 µs p99 in Chromium and 18/41 µs in Firefox; 60 µs gives 25–50 µs
// and 18/28 µs.
const SPIN_US = 60;
// Rounds timed per probe: ~0.1-0.5 ms, well above the coarsest clock of an
// isolated page (Firefox: 20 µs steps).
const PROBE_ROUNDS = 100_000;

// The probe's result, per page: the spin loop's speed is the engine's and the
// machine's, not the pool's. Measured once, by the page's first pool: a probe
// takes 0.3-1 ms of the main thread while that pool's workers boot, and
// skipping it took 0.6 ms off every later pool's start (Chromium 156, 2
// workers, 25 starts). null: the clock could not time it.
let spinRounds;

/**
 * Sets the pool's spin to SPIN_US, timing the core's spin loop on this
 * thread the first time (the best of three probes, so a JIT tier-up or a
 * preemption does not count). Leaves the core's default if the clock cannot
 * time it.
 */
export function calibrateSpin(wasm, ptr) {
  spinRounds ??= probeSpinRounds(wasm, ptr);
  if (spinRounds !== null) wasm.wp_set_spin_rounds(ptr, spinRounds);
}

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
