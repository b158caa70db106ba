// The playground: the same sleepy task, eight times, and the order in which
// pool.submit, pool.map and asCompleted hand back the results, side by side.
import { asCompleted, Pool } from '../src/js/index.js';
import { $, cores } from './util.js';

function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** The task: sleeps `ms`, then returns its index. Sent to the workers as source. */
const sleepy = async (i, ms) => {
  await new Promise((r) => setTimeout(r, ms));
  return i;
};

/** A result row: task `i`, a bar for its sleep of `ms` (out of `maxMs`), and when it arrived. */
function resultRow(i, ms, maxMs, pending) {
  const li = document.createElement('li');
  if (pending) li.className = 'pending';
  li.dataset.index = String(i);
  li.innerHTML =
    `<span class="idx">#${i}</span><span class="sleep" title="sleeps ${ms} ms"><i style="width:${(ms / maxMs) * 100}%"></i></span>` +
    `<span class="when">${pending ? 'pending' : ''}</span>`;
  return li;
}

/** A finished row for `value`, arrived at `t` ms. */
function arrivedRow(run, value, t) {
  const li = resultRow(value, run.sleeps[value], run.maxMs, false);
  li.querySelector('.when').textContent = `${t} ms`;
  li.dataset.value = String(value);
  return li;
}

/**
 * Runs the sleepy tasks (`sleeps` ms each; eight shuffled by default) on a
 * pool of `workers` and fills the three columns. Resolves to what each API
 * handed back, and when: { sleeps, submit, map, asCompleted }.
 */
export async function playground({ sleeps, workers = Math.min(cores, 4) } = {}) {
  sleeps ??= shuffle(Array.from({ length: 8 }, (_, k) => 40 + 40 * k));
  const lists = {
    submit: $('col-submit').querySelector('.results'),
    map: $('col-map').querySelector('.results'),
    completed: $('col-completed').querySelector('.results'),
  };
  for (const l of Object.values(lists)) l.textContent = '';
  document.body.dataset.playground = 'running';

  // Async tasks: with concurrency, one worker overlaps all their sleeps.
  const pool = new Pool({ workers, concurrency: 2 * sleeps.length, quiet: true });
  const out = { sleeps, submit: [], map: [], asCompleted: [] };
  try {
    await pool.ready;
    const t0 = performance.now();
    const run = {
      pool,
      sleeps,
      ids: sleeps.map((_, i) => i),
      maxMs: Math.max(...sleeps, 1),
      stamp: () => Math.round(performance.now() - t0),
      lists,
      out,
    };
    const futures = run.ids.map((i) => pool.submit(sleepy, i, sleeps[i]));
    await Promise.all([submitColumn(run, futures), mapColumn(run), completedColumn(run, futures)]);
  } finally {
    await pool.shutdown();
  }
  document.body.dataset.playground = 'done';
  return out;
}

/** Column 1: pool.submit — one future per call, shown in submission order; the badge is the arrival rank. */
function submitColumn(run, futures) {
  const { ids, sleeps, maxMs, lists, out } = run;
  const rows = ids.map((i) => lists.submit.appendChild(resultRow(i, sleeps[i], maxMs, true)));
  let rank = 0;
  return Promise.all(
    futures.map((f, i) =>
      f.then((value) => {
        const t = run.stamp();
        const k = ++rank;
        out.submit[i] = { i, value, t, rank: k };
        const li = resultRow(i, sleeps[i], maxMs, false);
        li.querySelector('.when').innerHTML = `${t} ms<span class="rank">${k}</span>`;
        li.dataset.value = String(value);
        rows[i].replaceWith(li);
      }),
    ),
  );
}

/** Column 2: pool.map — results in input order. */
async function mapColumn(run) {
  let i = 0;
  for await (const value of run.pool.map(sleepy, run.ids, run.sleeps, { chunksize: 1 })) {
    const t = run.stamp();
    run.out.map.push({ i, value, t });
    run.lists.map.append(arrivedRow(run, value, t));
    i++;
  }
}

/** Column 3: asCompleted over the same futures as column 1 — completion order. */
async function completedColumn(run, futures) {
  for await (const f of asCompleted(futures)) {
    const value = await f;
    const t = run.stamp();
    run.out.asCompleted.push({ value, t });
    run.lists.completed.append(arrivedRow(run, value, t));
  }
}
