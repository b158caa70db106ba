// node bench/hot-paths.mjs [--browser chromium|firefox] [--runs N] [--only ID]: only the
// `throughput` and `roundtrip` workloads of bench/, N times in one page, to
// compare builds before and after a change to the hot paths (the full
// `npm run bench` takes minutes; this one stays on the rows that matter).
import { startServer } from '../scripts/serve.mjs';
import { launch } from './browsers.mjs';

const args = process.argv.slice(2);
const argValue = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const browserName = argValue('--browser') ?? 'chromium';
const runs = Number(argValue('--runs') ?? 3);
const ids = argValue('--only') ? [argValue('--only')] : ['throughput', 'roundtrip'];

const server = await startServer({ isolated: true });
const browser = await launch(browserName, { exposeGc: true });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench/bench.html`);
  await page.waitForFunction(() => window.bench.workloads !== undefined && window.benchReady === true);
  await page.evaluate(() => window.bench.setup({ quick: false }));
  for (let run = 1; run <= runs; run++) {
    for (const id of ids) {
      for (const row of await page.evaluate((id) => window.bench.run(id), id)) {
        const fields = Object.entries(row)
          .filter(([k, v]) => typeof v === 'number' && (k === 'wasmpool' || k.startsWith('p') || k === 'mean'))
          .map(([k, v]) => `${k} ${v >= 100 ? Math.round(v) : v.toFixed(2)}`);
        console.log(`${browser.label} run ${run} ${row.id} (${row.unit}): ${fields.join(', ')}`);
      }
    }
  }
  await page.evaluate(() => window.bench.teardown());
} finally {
  await browser.close();
  await server.close?.();
}
