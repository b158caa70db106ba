//! Pools created from Rust in a crate that depends on wasmpool.
//!
//! The JS layer ships inside the crate as one wasm-bindgen snippet,
//! `src/js/bundled/embedded.js`: the JS sources bundled into one file by
//! `scripts/build.sh` and committed, because a crate from crates.io gets no
//! build step of ours, and because one file loads faster than a dozen modules
//! (and wasm-bindgen-test-runner's server stalls on a dozen concurrent module
//! requests). The same file is the page side and, loaded as a Worker, a pool
//! thread. `wasm-bindgen` copies it into the dependent crate's output
//! (`pkg/snippets/wasmpool-*/`). The pool then runs on that crate's own module
//! and memory, so Rust closures submitted with [`crate::Pool::submit`] are
//! code the workers have.

use super::PoolOptions;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/bundled/embedded.js")]
extern "C" {
    #[wasm_bindgen(js_name = createEmbeddedPool, catch)]
    fn create_embedded_pool(
        options: &JsValue,
        glue_url: &str,
        module: JsValue,
        exports: JsValue,
    ) -> Result<JsValue, JsValue>;
}

// This instance's glue URL: `import.meta.url` read inside the glue module.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// Creates the JS `Pool` on this instance; errors are the JS layer's own
/// (`RangeError` for a bad count, `NotIsolatedError` without COOP/COEP).
pub(super) fn create(options: &PoolOptions) -> Result<JsValue, JsValue> {
    let glue_url = GLUE_URL.with(Clone::clone);
    create_embedded_pool(&options.to_js()?, &glue_url, wasm_bindgen::module(), wasm_bindgen::exports())
}
