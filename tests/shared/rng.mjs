// The seeded PRNG of the JS tests (mulberry32): the same seed gives the same
// sequence on every run and machine, so a failing randomized case reruns
// exactly. Put `rng.seed` in assertion messages.
// (The Rust tests have their own xorshift `Rng` in tests/sched_*.rs.)

export class Rng {
  #state;

  constructor(seed) {
    this.seed = seed >>> 0;
    this.#state = this.seed;
  }

  /** A float in [0, 1). */
  next() {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** An integer in [0, n). */
  below(n) {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p = 0.5) {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick(items) {
    return items[this.below(items.length)];
  }
}
