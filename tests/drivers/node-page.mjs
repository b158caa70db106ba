// A Node.js "page" (tests/drivers/node.mjs): runs the functions its parent
// sends, with '/src/...' and '/tests/...' resolving into the project
// (node-page-hooks.mjs). Its console output is the page's console, its
// uncaught errors are page errors, and, like a page, it outlives them.
import { register } from 'node:module';

register('./node-page-hooks.mjs', import.meta.url);

// The test bodies use syntax the browsers have and Node.js 20 cannot parse
// (`await using`): what the page's eval cannot compile, esbuild lowers first.
// biome-ignore lint/security/noGlobalEval: the page runs the source text it is sent, as a browser page does.
const realEval = globalThis.eval;
let transform = null;
globalThis.eval = function pageEval(source) {
  try {
    return realEval(source);
  } catch (error) {
    if (!(error instanceof SyntaxError) || transform === null || typeof source !== 'string') throw error;
  }
  const code = transform(`globalThis.__pageValue = (${source});`, { loader: 'js', target: 'node20' }).code;
  realEval(code);
  return globalThis.__pageValue;
};
transform = (await import('esbuild')).transformSync;

const report = (error) =>
  process.send({ type: 'pageerror', name: error?.name ?? 'Error', message: String(error?.message ?? error) });
process.on('uncaughtException', report);
process.on('unhandledRejection', report);

process.on('message', async (m) => {
  if (m?.type !== 'evaluate') return;
  let reply;
  try {
    const fn = realEval(`(${m.source})`);
    reply = { type: 'result', id: m.id, ok: true, value: await fn(m.arg) };
  } catch (error) {
    reply = {
      type: 'result',
      id: m.id,
      ok: false,
      error: { name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: error?.stack },
    };
  }
  try {
    process.send(reply);
  } catch (error) {
    process.send({ ...reply, ok: false, value: undefined, error: { name: 'DataCloneError', message: error.message } });
  }
});
// An IPC channel keeps the process alive; the page lives until closed.
process.send({ type: 'ready' });
