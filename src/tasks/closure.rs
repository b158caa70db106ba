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
//!
//! An entry is the address and a ticket unique to its submit. The page's
//! discard comes when the task's future settles, after the worker ran the
//! closure and freed its box, and by then the allocator may have handed the
//! same address to a newer closure: the ticket keeps a late discard from
//! taking (and dropping) that newer one.

use super::registry::Registry;
use js_sys::Array;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use wasm_bindgen::JsValue;

/// A closure on its way to a worker.
pub(crate) type Job = Box<dyn FnOnce() + Send>;

/// The name of the built-in task that runs a closure submitted from Rust.
pub(crate) const TASK_NAME: &str = "__wasmpool_closure";

/// Pending closures: `(address, ticket)`.
static PENDING: Registry<(u32, u32)> = Registry::new();

/// The next submit's ticket.
static NEXT_TICKET: AtomicU32 = AtomicU32::new(0);

/// Boxes `job` and registers it. Returns `(address, ticket)`: the address is
/// the task's argument, the ticket what [`discard`] needs with it.
pub(crate) fn pend(job: Job) -> (u32, u32) {
    let address = Box::into_raw(Box::new(job)) as u32;
    let ticket = NEXT_TICKET.fetch_add(1, Relaxed);
    PENDING.push((address, ticket));
    (address, ticket)
}

/// Drops the closure that submit `ticket` boxed at `address` if no worker has
/// taken it: its task settled without running it. Called on the page when the
/// task's future settles.
pub(crate) fn discard(address: u32, ticket: u32) {
    if PENDING.take(|e| *e == (address, ticket)).is_some() {
        // SAFETY: registered by `pend` from `Box::into_raw`, taken once.
        drop(unsafe { Box::from_raw(address as *mut Job) });
    }
}

/// The built-in task that runs a closure submitted from Rust.
pub(super) fn run_closure(args: Array) -> Result<JsValue, JsValue> {
    let address = args.get(0).as_f64().map(|a| a as u32).unwrap_or(0);
    if PENDING.take(|(a, _)| *a == address).is_none() {
        return Err(js_sys::TypeError::new("__wasmpool_closure: not a pending Rust closure").into());
    }
    // SAFETY: registered by `pend` from `Box::into_raw`, taken once.
    let job = unsafe { Box::from_raw(address as *mut Job) };
    job();
    Ok(JsValue::UNDEFINED)
}
