// A seeded mix of faults with yields between submits: plain, throwing,
// timed-out, aborted (queued and running), force-cancelled and self-closing
// tasks in one pool, then shutdown. Every future settles exactly once with
// the outcome its fault dictates, every plain task gives its result, and
// shutdown resolves.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Rng } from '../shared/rng.mjs';
import { browserName, closeAll, inPage } from './harness.mjs';

after(closeAll);

const KINDS = [
  'plain',
  'plain',
  'plain',
  'plain',
  'plain',
  'plain',
  'throw',
  'timeout',
  'abortQueued',
  'abortRunning',
  'force',
  'close',
];

/** A mix of `n` tasks: `[kind, yieldMs]` each (yieldMs < 0: no yield after it). */
function plan(seed, n) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => [rng.pick(KINDS), rng.chance(0.15) ? rng.below(3) : -1]);
}

// One fixed mix in npm test; WASMPOOL_SEED=n replays one, WASMPOOL_SEED=random draws a new one.
const seedOf = (text) => (text === 'random' ? (Math.random() * 2 ** 32) >>> 0 : Number(text));
const seeds = process.env.WASMPOOL_SEED ? [seedOf(process.env.WASMPOOL_SEED)] : [20261208];

// WebKitGTK: under this mix a replacement worker sometimes says READY and
// then answers nothing, so its tasks wait for good (a defect still open).
const skip = browserName() === 'webkit' && 'WebKitGTK: a replacement worker can go silent after READY under this mix';

for (const seed of seeds) {
  test(`fault mix, seed ${seed}: every future settles once as its fault dictates, and shutdown resolves`, {
    skip,
  }, async () => {
    const r = await inPage(
      `async ({ Pool, TaskOptions }, ops) => {
      const pool = new Pool({ workers: 3, concurrency: 2 });
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const forever = () => { for (;;) {} };
      const tasks = [];
      for (const [i, [kind, yieldMs]] of ops.entries()) {
        let f;
        if (kind === 'plain') f = pool.submit((x) => x * 2, i);
        else if (kind === 'throw') f = pool.submit((x) => { throw new Error('boom ' + x); }, i);
        else if (kind === 'timeout') f = pool.submit(forever, new TaskOptions({ timeout: 20 }));
        else if (kind === 'abortQueued') {
          const ac = new AbortController();
          f = pool.submitWith({ signal: ac.signal }, (x) => x, i);
          ac.abort();
        } else if (kind === 'abortRunning') {
          const ac = new AbortController();
          f = pool.submitWith({ signal: ac.signal, abortGrace: 10 }, () => new Promise(() => {}));
          setTimeout(() => ac.abort(), 5);
        } else if (kind === 'force') {
          f = pool.submit(forever);
          setTimeout(() => f.cancel({ force: true }), 5);
        } else f = pool.submit(() => { self.close(); return 'closed'; });
        const task = { i, kind, settled: 0, outcome: null };
        f.addDoneCallback(() => task.settled++);
        f.then((v) => { task.outcome = v; }, (e) => { task.outcome = e?.name ?? String(e); });
        tasks.push(task);
        if (yieldMs >= 0) await sleep(yieldMs);
      }
      const idle = (p, ms) => Promise.race([p.then(() => true), sleep(ms).then(() => false)]);
      const shutdown = await idle(pool.shutdown(), 20000);
      if (!shutdown) pool.terminate();
      await sleep(0);
      // A task that never ends may be running beside one whose fault ends
      // their worker first (concurrency 2): that is a WorkerCrashedError.
      const or = (name) => (t) => t.outcome === name || t.outcome === 'WorkerCrashedError';
      const expected = {
        plain: (t) => t.outcome === t.i * 2,
        throw: (t) => t.outcome === 'Error',
        timeout: or('TimeoutError'),
        abortQueued: (t) => t.outcome === 'AbortError',
        abortRunning: or('AbortError'),
        force: or('CancelledError'),
        close: or('closed'),
      };
      const wrong = tasks.filter((t) => t.settled !== 1 || !expected[t.kind](t));
      return { shutdown, tasks: tasks.length, wrong: wrong.slice(0, 10).map(({ i, kind, settled, outcome }) => ({ i, kind, settled, outcome })), wrongCount: wrong.length };
    }`,
      { arg: plan(seed, 300) },
    );
    const replay = `(replay: WASMPOOL_SEED=${seed})`;
    assert.equal(r.shutdown, true, `shutdown did not resolve within 20 s ${replay}`);
    assert.deepEqual(r.wrong, [], `${r.wrongCount} of ${r.tasks} tasks settled wrongly ${replay}`);
  });
}
