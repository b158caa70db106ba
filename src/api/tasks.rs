//! Rust tasks callable from JS by name: `pool.submit('is_prime', 97)`.
//!
//! A task is a plain `fn(Array) -> Result<JsValue, JsValue>`; arguments and
//! results cross with `serde-wasm-bindgen` or js-sys types. The registry is a
//! static in the shared memory, so a task registered on the page (before or
//! after the pool starts) is visible to every worker; it is guarded by a spin
//! lock because the page's main thread must never block on a futex.

use super::closure;
use crate::wasm::registry::Registry;
use js_sys::Array;
use wasm_bindgen::JsValue;

/// The signature of a Rust task.
pub type TaskFn = fn(Array) -> Result<JsValue, JsValue>;

/// The demo's tasks (`mandelbrot_rows`, `add`, `rust_panic`, …), built in with
/// the `demo` feature only.
#[cfg(feature = "demo")]
const DEMO: &[(&str, TaskFn)] = crate::demo::TASKS;
#[cfg(not(feature = "demo"))]
const DEMO: &[(&str, TaskFn)] = &[];

static REGISTERED: Registry<(String, TaskFn)> = Registry::new();

/// Registers a Rust function as a task callable from JS by `name`.
pub fn register_task(name: &str, task: TaskFn) {
    REGISTERED.replace((name.to_owned(), task), |(n, _)| n == name);
}

/// The names of the demo's and the registered tasks, one per line (the page
/// checks names at the call without a wasm instance of its own: the message
/// transport).
pub(crate) fn names() -> String {
    let mut names: Vec<String> = DEMO.iter().map(|(n, _)| (*n).to_owned()).collect();
    REGISTERED.with(|entries| names.extend(entries.iter().map(|(n, _)| n.clone())));
    names.join("\n")
}

/// The task called `name`: a built-in one (which cannot be replaced), else a
/// registered one.
pub(crate) fn find(name: &str) -> Option<TaskFn> {
    let closure: (&str, TaskFn) = (closure::TASK_NAME, closure::run_closure);
    [closure]
        .iter()
        .chain(DEMO)
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .or_else(|| REGISTERED.find_map(|(n, f)| (n == name).then_some(*f)))
}
