//! The task registry: Rust tasks callable from JS by name
//! (`pool.submit('is_prime', 97)`), each name's id, and the function an id
//! runs. Both the Rust API (`crate::api`, which submits closures through the
//! built-in task) and the `wp_*` exports (`crate::wasm::abi`, which resolve
//! and run tasks) use it; it uses neither.
//!
//! A task is a plain `fn(Array) -> Result<JsValue, JsValue>`; arguments and
//! results cross with `serde-wasm-bindgen` or js-sys types. The registry is a
//! static in the shared memory, so a task registered on the page (before or
//! after the pool starts) is visible to every worker; it is guarded by a spin
//! lock because the page's main thread must never block on a futex
//! (`registry`).
//!
//! - `closure`: the built-in task that runs a closure submitted from Rust, and
//!   the pending closures it may run.
//! - `registry`: the spin-locked list in a `static` that both are kept in.

pub(crate) mod closure;
mod registry;

use js_sys::Array;
use registry::Registry;
use wasm_bindgen::JsValue;

/// The signature of a Rust task.
pub type TaskFn = fn(Array) -> Result<JsValue, JsValue>;

static REGISTERED: Registry<(String, TaskFn)> = Registry::new();

/// Registers a Rust function as a task callable from JS by `name`.
pub fn register_task(name: &str, task: TaskFn) {
    REGISTERED.replace((name.to_owned(), task), |(n, _)| n == name);
}

/// The registered tasks' names, one per line (the page checks names at the
/// call without a wasm instance of its own: the message transport).
pub(crate) fn names() -> String {
    REGISTERED.with(|entries| entries.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join("\n"))
}

/// The built-in tasks (which cannot be replaced): the closure runner.
fn built_in() -> impl Iterator<Item = (&'static str, TaskFn)> {
    let closure: (&str, TaskFn) = (closure::TASK_NAME, closure::run_closure);
    [closure].into_iter()
}

/// The task called `name`: a built-in one, else a registered one.
pub(crate) fn find(name: &str) -> Option<TaskFn> {
    id_of(name).and_then(by_id)
}

/// A task's id: stable for the module's life (a registered task keeps its id
/// when replaced), so a worker resolves a name once and then runs the task
/// without passing the name again (a string the glue allocates, which a
/// panicking task would strand).
pub(crate) fn id_of(name: &str) -> Option<u32> {
    match built_in().position(|(n, _)| n == name) {
        Some(i) => Some(i as u32),
        None => REGISTERED.position(|(n, _)| n == name).map(|i| (i + built_in().count()) as u32),
    }
}

/// The task with id `id` ([`id_of`]).
pub(crate) fn by_id(id: u32) -> Option<TaskFn> {
    let id = id as usize;
    let built_in_count = built_in().count();
    if id < built_in_count {
        built_in().nth(id).map(|(_, f)| f)
    } else {
        REGISTERED.at(id - built_in_count, |(_, f)| *f)
    }
}
