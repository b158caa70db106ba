// Workers after a page's first start from a blob: copy of the worker script.
//
// A module worker starts much sooner from a blob: URL than from a
// same-origin one, in Firefox most of all (bench/NOTES.md, "blob: copy");
// workerpool starts its workers from one too.
//
// The first workers come from the script's URL, the `new Worker(new URL(…))`
// that bundlers see and emit, and the first READY says where that script was
// loaded from (the URL a bundler wrote). When the page starts a worker after
// that (a later pool, a replacement), it fetches the script (from the HTTP
// cache) into a Blob, and a probe worker started from the copy must answer
// before any pool worker uses it: a page whose CSP leaves blob: out of
// worker-src, or a dev server whose worker imports by absolute path (which a
// blob: base cannot resolve), keeps the URL. One attempt per page, and none
// on a page that starts no worker after its first pool's: it costs that page
// nothing, not even a message in its steady state (tests/browser/submit.test.mjs
// counts them).
import { MSG } from '../common/messages.js';

/**
 * `spawnFromUrl(name)` → a module Worker from the script's URL. Returns
 * `spawnWorker(name)`, which starts from the proven blob: copy once there is
 * one, and from the URL until then.
 * @param {(name: string) => Worker} spawnFromUrl
 * @returns {(name: string) => Worker}
 */
export function blobSpawner(spawnFromUrl) {
  /** @type {string | null} */
  let scriptUrl = null;
  let copying = false;
  /** @type {string | null} */
  let blobUrl = null;
  return (name) => {
    if (blobUrl !== null) return new Worker(blobUrl, { type: 'module', name });
    if (scriptUrl !== null && !copying) {
      copying = true;
      copyScript(scriptUrl).then((url) => {
        blobUrl = url;
      });
    }
    const worker = spawnFromUrl(name);
    // Its first message is READY (or an ERROR, which says nothing: a later worker's will).
    if (scriptUrl === null) {
      worker.addEventListener(
        'message',
        ({ data }) => {
          if (typeof data?.scriptUrl === 'string') scriptUrl ??= data.scriptUrl;
        },
        { once: true },
      );
    }
    return worker;
  };
}

// The blob: URL of a copy of the script at `scriptUrl` that a worker started
// from, or null (not fetched over http(s), not fetched, or no probe answer).
/**
 * @param {string} scriptUrl
 * @returns {Promise<string | null>}
 */
async function copyScript(scriptUrl) {
  if (!/^https?:/.test(scriptUrl)) return null;
  let url = null;
  try {
    const response = await fetch(scriptUrl);
    if (!response.ok) return null;
    url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
    if (await probeStarts(url)) return url;
  } catch {
    // No copy: workers keep starting from the URL.
  }
  if (url !== null) URL.revokeObjectURL(url);
  return null;
}

// Whether a worker from `url` starts and answers a PROBE. A worker that
// cannot load fires `error` (CSP, an unresolvable import) or throws here; no
// name, so it asks for no life lock (worker/boot.js). Terminated either way.
/**
 * @param {string} url
 * @returns {Promise<boolean>}
 */
function probeStarts(url) {
  return new Promise((resolve) => {
    const probe = new Worker(url, { type: 'module' });
    /** @param {boolean} started */
    const end = (started) => {
      probe.terminate();
      resolve(started);
    };
    probe.onmessage = ({ data }) => end(data?.type === MSG.PROBE);
    probe.onerror = () => end(false);
    probe.postMessage({ type: MSG.PROBE });
  });
}
