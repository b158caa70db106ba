// The demo glue imports wasm-bindgen-rayon's worker helper, which at load
// listens on `self` for its start message (it doubles as a Worker script).
// A Node.js main thread has no `self`: give it the global object, with inert
// listener methods, so that loading the glue works (rayon itself does not
// run in Node.js: see node.js).
if (typeof self === 'undefined') {
  const events = new EventTarget();
  globalThis.addEventListener ??= events.addEventListener.bind(events);
  globalThis.removeEventListener ??= events.removeEventListener.bind(events);
  globalThis.self = globalThis;
}
