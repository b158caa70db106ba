// Fetches and compiles a wasm module by URL: the page's runtime
// (package-runtime.js) and each worker of the message transport (its own
// instance) load the same file, so both fail the same way, with a
// BrokenPoolError that says what to do.

/**
 * The compiled module at `url`; rejects with `fail(message)` (a
 * BrokenPoolError) if it cannot be fetched or is not wasm. A worker passes
 * none: its errors reach the page by name, and errors.js would grow every
 * worker's script.
 *
 * @param {URL | string} url
 * @param {(message: string, options?: ErrorOptions) => Error} [fail]
 * @returns {Promise<WebAssembly.Module>}
 */
export async function fetchWasm(url, fail = brokenPool) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw fail(
      `wasmpool: cannot fetch ${url} (${/** @type {any} anything may be thrown */ (error)?.message || error}): serve the wasm module at that URL ` +
        '(a bundler that understands new URL(…, import.meta.url) emits it: see the README)',
      { cause: error },
    );
  }
  if (!response.ok) {
    throw fail(
      `wasmpool: cannot fetch ${url} (${response.status} ${response.statusText}): serve the wasm module at that ` +
        'URL (a bundler that understands new URL(…, import.meta.url) emits it: see the README)',
    );
  }
  const type = response.headers.get('Content-Type') || '';
  if (type.startsWith('text/html')) {
    // A dev server's fallback page: the URL was rewritten away from the
    // package's pkg/ folder, as Vite's dependency pre-bundling does.
    throw fail(
      `wasmpool: ${url} answered with an HTML page, not the wasm module: the bundler moved wasmpool away from ` +
        "its pkg/ folder. With Vite, add optimizeDeps: { exclude: ['wasmpool'] } to vite.config so that " +
        'wasmpool is served as published (see the README).',
    );
  }
  try {
    return typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
  } catch (error) {
    throw fail(
      `wasmpool: ${url} is not a valid wasm module (${/** @type {any} anything may be thrown */ (error)?.message || error}): serve the package's own ` +
        '.wasm file at that URL, unchanged',
      { cause: error },
    );
  }
}

/**
 * @param {string} message
 * @param {ErrorOptions} [options]
 */
function brokenPool(message, options) {
  const error = new Error(message, options);
  error.name = 'BrokenPoolError';
  return error;
}
