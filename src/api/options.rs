//! [`PoolOptions`]: what a pool created from Rust can be configured with.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

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
    pub(super) fn to_js(&self) -> Result<JsValue, JsValue> {
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
