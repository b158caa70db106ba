// The tutorial baseline: one postMessage per task each way.
const cache = new Map();
self.onmessage = async ({ data: { id, source, args } }) => {
  let fn = cache.get(source);
  if (!fn) {
    // biome-ignore lint/security/noGlobalEval: tasks arrive as source text, as in every postMessage pool.
    fn = globalThis.eval(`(${source})`);
    cache.set(source, fn);
  }
  try {
    self.postMessage({ id, ok: true, value: await fn(...args) });
  } catch (error) {
    self.postMessage({ id, ok: false, value: String(error) });
  }
};
