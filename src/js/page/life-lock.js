// A pool worker holds a Web Lock for its whole life; the page's request for
// the same lock is granted only once the worker's thread has ended. That is
// how the page notices a worker that died silently (no event reports it) and
// knows when a killed worker's stack can be freed (core invariant 10).
//
// The lock is named as the worker itself, so the worker requests it while
// its script runs, before any message reaches it, so the wait for the grant
// (~2 ms) overlaps the InitMessage's arrival and the wasm instantiation
// instead of preceding them.

// Web Locks are shared by every page of the origin: a page-random part keeps
// another tab's workers' locks apart.
const PAGE = Math.random().toString(36).slice(2);
let nextUid = 1;

/**
 * A new worker's uid (unique across the page's pools) and its name, which is also its life lock's.
 * @returns {{ uid: number, name: string }}
 */
export function newWorkerName() {
  const uid = nextUid++;
  return { uid, name: `wasmpool-${PAGE}-${uid}` };
}

/**
 * Requests worker `name`'s life lock: `onGone()` runs once the worker has
 * ended. Resolves to true then, or false if the page has no Web Locks.
 * @param {string} name
 * @param {() => void} onGone
 * @returns {Promise<boolean>}
 */
export async function whenWorkerGone(name, onGone) {
  const locks = globalThis.navigator?.locks;
  if (!locks) return false;
  try {
    await locks.request(name, () => onGone());
    return true;
  } catch {
    return false;
  }
}
