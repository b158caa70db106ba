//! How a Rust closure reaches a worker: boxed in the shared memory, its
//! address the argument of the built-in task `__wasmpool_closure`. Addresses
//! are registered while pending, so a page script cannot make a worker call an
//! arbitrary address.
//!
//! A pending closure is taken out of the registry exactly once: by the worker
//! that runs it, or by the page when its task settles without having run
//! (cancelled before it ran, the pool shut down or terminated with it queued,
//! the submit refused), which drops it ([`discard`]). Whoever takes it owns it,
//! so the two cannot both drop it.

use crate::wasm::registry::Registry;
use js_sys::Array;
use wasm_bindgen::JsValue;

/// A closure on its way to a worker.
pub(super) type Job = Box<dyn FnOnce() + Send>;

/// The name of the built-in task that runs a closure submitted from Rust.
pub(super) const TASK_NAME: &str = "__wasmpool_closure";

/// Pending closures, by address.
static PENDING: Registry<u32> = Registry::new();

/// Boxes `job` and registers it: the returned address is the task's argument.
pub(super) fn pend(job: Job) -> u32 {
    let address = Box::into_raw(Box::new(job)) as u32;
    PENDING.push(address);
    address
}

/// Drops the closure at `address` if no worker has taken it: its task settled
/// without running it. Called on the page when the task's future settles.
pub(super) fn discard(address: u32) {
    if PENDING.take(|a| *a == address).is_some() {
        // SAFETY: registered by `pend` from `Box::into_raw`, taken once.
        drop(unsafe { Box::from_raw(address as *mut Job) });
    }
}

/// The built-in task that runs a closure submitted from Rust.
pub(super) fn run_closure(args: Array) -> Result<JsValue, JsValue> {
    let address = args.get(0).as_f64().map(|a| a as u32).unwrap_or(0);
    if PENDING.take(|a| *a == address).is_none() {
        return Err(js_sys::TypeError::new("__wasmpool_closure: not a pending Rust closure").into());
    }
    // SAFETY: registered by `pend` from `Box::into_raw`, taken once.
    let job = unsafe { Box::from_raw(address as *mut Job) };
    job();
    Ok(JsValue::UNDEFINED)
}
