// The tutorial baseline: one postMessage per task each way.
const cache = new Map();
self.onmessage = async ({ data: { id, source, args } }) => {
  let fn = cache.get(source);
  if (!fn) cache.set(source, (fn = (0, eval)(`(${source})`)));
  try {
    self.postMessage({ id, ok: true, value: await fn(...args) });
  } catch (error) {
    self.postMessage({ id, ok: false, value: String(error) });
  }
};
