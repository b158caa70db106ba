//! Pools created from Rust in a crate that depends on wasmpool.
//!
//! The JS layer ships inside the crate as wasm-bindgen snippets: every module
//! the page side and the worker side need is named by a `module = ...`
//! attribute below, so `wasm-bindgen` copies it into the dependent crate's
//! output (`pkg/snippets/wasmpool-*/src/js/`) with its relative imports intact.
//! The pool then runs on that crate's own module and memory, so Rust closures
//! submitted with [`crate::Pool::submit`] are code the workers have.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/embedded.js")]
extern "C" {
    #[wasm_bindgen(js_name = createEmbeddedPool, catch)]
    fn create_embedded_pool(options: &JsValue, glue_url: &str, module: JsValue, exports: JsValue) -> Result<JsValue, JsValue>;
}

// This instance's glue URL: `import.meta.url` read inside the glue module.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

// The worker entry is loaded by URL, not imported, so nothing else makes
// wasm-bindgen copy it; the other modules are imported by these two, and
// each must be named to be copied.
macro_rules! snippets {
    ($($file:literal => $name:ident),* $(,)?) => {
        $(
            #[wasm_bindgen(module = $file)]
            extern "C" {
                #[allow(dead_code)]
                type $name;
            }
        )*
    };
}
snippets! {
    "/src/js/embedded-worker.js" => EmbeddedWorker,
    "/src/js/worker-core.js" => WorkerCore,
    "/src/js/pool.js" => PoolModule,
    "/src/js/runtime.js" => RuntimeModule,
    "/src/js/codec.js" => CodecModule,
    "/src/js/future.js" => FutureModule,
    "/src/js/shared.js" => SharedModule,
    "/src/js/map.js" => MapModule,
    "/src/js/errors.js" => ErrorsModule,
    "/src/js/waiting.js" => WaitingModule,
    "/src/js/protocol.js" => ProtocolModule,
}

/// Options of a pool created from Rust (see [`crate::Pool::with_options`]).
#[derive(Debug, Clone, Default)]
pub struct PoolOptions {
    /// Worker threads; `None` = `navigator.hardwareConcurrency`.
    pub workers: Option<u32>,
    /// Retire and replace a worker after this many tasks.
    pub max_tasks_per_child: Option<u32>,
    /// Tasks waiting beyond which a submit fails with `QueueFullError`.
    pub max_queue_size: Option<u32>,
}

impl PoolOptions {
    fn to_js(&self) -> Result<JsValue, JsValue> {
        let o = Object::new();
        let set = |k: &str, v: Option<u32>| -> Result<(), JsValue> {
            if let Some(v) = v {
                Reflect::set(&o, &k.into(), &v.into())?;
            }
            Ok(())
        };
        set("workers", self.workers)?;
        set("maxTasksPerChild", self.max_tasks_per_child)?;
        set("maxQueueSize", self.max_queue_size)?;
        Ok(o.into())
    }
}

/// Creates the JS `Pool` on this instance; errors are the JS layer's own
/// (`RangeError` for a bad count, `NotIsolatedError` without COOP/COEP).
pub(crate) fn create(options: &PoolOptions) -> Result<JsValue, JsValue> {
    let glue_url = GLUE_URL.with(Clone::clone);
    create_embedded_pool(&options.to_js()?, &glue_url, wasm_bindgen::module(), wasm_bindgen::exports())
}
