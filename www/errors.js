// The error box: every failure of the demo ends up here (once), including
// uncaught ones, and a page served without COOP/COEP gets a hint on how to fix it.
import { NotIsolatedError } from '../src/js/index.js';
import { $ } from './util.js';

const NOT_ISOLATED_HINT =
  'This page needs cross-origin isolation for its shared memory. Serve it with <code>npm run demo</code>, ' +
  'which sends both headers, or configure your server to send them.';

const shown = new WeakSet();

/** Appends `error` to the error box, shows the box and sets body[data-error]. */
export function showError(error) {
  if (error !== null && typeof error === 'object') {
    if (shown.has(error)) return; // one error reaches here by several paths at most once
    shown.add(error);
  }
  const name = error?.name || 'Error';
  const text = error && error.message !== undefined ? `${name}: ${error.message}` : String(error);
  const pre = $('error-text');
  pre.textContent = pre.textContent ? `${pre.textContent}\n${text}` : text;
  if (error instanceof NotIsolatedError || name === 'NotIsolatedError') {
    const hint = $('error-hint');
    hint.hidden = false;
    hint.innerHTML = NOT_ISOLATED_HINT;
    $('error').querySelector('.error-title').textContent = 'This page is not cross-origin isolated';
  }
  $('error').hidden = false;
  document.body.dataset.error = name;
  console.error(error);
}

/** Sends uncaught errors and unhandled rejections to the error box. */
export function catchUncaught() {
  window.addEventListener('error', (e) => showError(e.error || new Error(e.message)));
  window.addEventListener('unhandledrejection', (e) => showError(e.reason));
}
