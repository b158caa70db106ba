// The fake pool side the map unit tests (map.test.mjs, map-lazy.test.mjs)
// drive MapResult with. MapResult's seam to the pool is
// `submitChunk(items, flat) → Future`: here a fake that records each chunk and
// returns a Future the test settles.

import assert from 'node:assert/strict';
import { Future } from '../../src/js/future.js';
import { MapResult } from '../../src/js/map.js';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Waits (a bounded number of event-loop turns) until `condition()` holds. */
export async function until(condition, what) {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await tick();
  }
  assert.fail(`still waiting for ${what}`);
}

/**
 * A fake pool side: `submitChunk` records `{ tuples, future }`; `run(i, fn)`
 * settles chunk i the way a worker does, `[values, failures]` with
 * failures `[[index, error], ...]` or null.
 */
export function fakePool() {
  const chunks = [];
  return {
    chunks,
    // Chunks are recorded as argument lists, whether they were sent flat or not.
    submitChunk: (items, flat) => {
      const chunk = { tuples: flat ? items.map((x) => [x]) : items, flat, cancelled: false };
      chunk.future = new Future({
        withdraw: () => {
          chunk.cancelled = true;
          return true;
        },
      });
      chunks.push(chunk);
      return chunk.future;
    },
    run(i, fn) {
      const values = [];
      let failures = null;
      for (const [k, args] of this.chunks[i].tuples.entries()) {
        try {
          values.push(fn(...args));
        } catch (error) {
          values.push(undefined);
          failures ??= [];
          failures.push([k, error]);
        }
      }
      this.chunks[i].future._resolve([values, failures]);
    },
    runAll(fn) {
      for (let i = 0; i < this.chunks.length; i++) if (!this.chunks[i].future.done()) this.run(i, fn);
    },
  };
}

/** A MapResult over `iterables` on the fake `pool` (2 workers unless `rest` says otherwise). */
export function mapOf(pool, iterables, options = {}, rest = {}) {
  return new MapResult({ iterables, options, workers: 2, submitChunk: pool.submitChunk, ...rest });
}

/** Collects `for await` values into `out` as they arrive; resolves when iteration ends. */
export function drain(iterable, out) {
  return (async () => {
    for await (const v of iterable) out.push(v);
  })();
}
