// bench/profile-roundtrip.mjs's plain worker: answers 'ping' with 'pong';
// given a SharedArrayBuffer, waits (blocking) for word 0 to move to k, then
// stores k in word 1 and notifies it, for k = 1, 2, …
self.onmessage = ({ data }) => {
  if (data === 'ping') return postMessage('pong');
  const i32 = new Int32Array(data);
  postMessage('ready');
  for (let k = 1; ; k++) {
    Atomics.wait(i32, 0, k - 1);
    Atomics.store(i32, 1, k);
    Atomics.notify(i32, 1);
  }
};
