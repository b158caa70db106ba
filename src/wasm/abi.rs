//! Every `wasm_bindgen` export of the crate's core (`wp_*`): the thin glue
//! between the JS layer and `crate::sched`.
//!
//! Every scheduling export takes plain integers (the pool's address, worker
//! indices and task ids) so a call costs a few nanoseconds and allocates
//! nothing. Nothing here decides anything: scheduling lives in `sched`, policy
//! in the JS layer.

use super::{alloc, panic};
use crate::api::tasks;
use crate::sched::pool::Shared;
use crate::sched::task::TaskId;
use crate::sched::worker::{status, WorkerRecord};
use js_sys::Array;
use std::alloc::Layout;
use std::sync::atomic::Ordering::SeqCst;
use wasm_bindgen::prelude::*;

fn pool<'a>(ptr: u32) -> &'a Shared {
    // SAFETY: `ptr` came from `wp_pool_new` and the JS layer frees it only
    // after every worker of the pool has exited.
    unsafe { &*(ptr as *const Shared) }
}

// ---- layout: the offsets and codes themselves are in crate::layout ----

/// The hash of `crate::layout`'s table, which the JS layer compares with its
/// own copy (`LAYOUT_HASH` of src/js/shared/layout-constants.js) at start-up.
#[wasm_bindgen]
pub fn wp_layout_hash() -> u32 {
    crate::layout::LAYOUT_HASH
}

// ---- main thread ----

#[wasm_bindgen]
pub fn wp_pool_new(slots: u32, max_workers: u32) -> u32 {
    Box::into_raw(Box::new(Shared::new(slots, max_workers))) as u32
}

/// Frees the control block. Only after every worker has exited.
#[wasm_bindgen]
pub fn wp_pool_free(ptr: u32) {
    // SAFETY: see `pool`; called once.
    drop(unsafe { Box::from_raw(ptr as *mut Shared) });
}

#[wasm_bindgen]
pub fn wp_slots_ptr(ptr: u32) -> u32 {
    pool(ptr).slots_ptr() as u32
}

#[wasm_bindgen]
pub fn wp_worker_ptr(ptr: u32, worker: u32) -> u32 {
    pool(ptr).worker(worker) as *const WorkerRecord as u32
}

#[wasm_bindgen]
pub fn wp_occupy(ptr: u32, worker: u32, uid: u32) {
    pool(ptr).worker(worker).occupy(uid);
}

#[wasm_bindgen]
pub fn wp_reserve(ptr: u32) -> i32 {
    pool(ptr).reserve().map_or(-1, |id| id.0 as i32)
}

#[wasm_bindgen]
pub fn wp_publish(ptr: u32, id: u32) {
    pool(ptr).publish(TaskId(id));
}

#[wasm_bindgen]
pub fn wp_cancel(ptr: u32, id: u32) -> bool {
    pool(ptr).cancel(TaskId(id))
}

#[wasm_bindgen]
pub fn wp_pop_completion(ptr: u32) -> i32 {
    pool(ptr).pop_completion().map_or(-1, |id| id.0 as i32)
}

#[wasm_bindgen]
pub fn wp_release(ptr: u32, id: u32) -> bool {
    pool(ptr).release(TaskId(id))
}

/// Settles a dead worker's tasks: the ids of those that were still running.
#[wasm_bindgen]
pub fn wp_abandon(ptr: u32, worker: u32) -> Vec<u32> {
    pool(ptr).abandon(worker).into_iter().map(|id| id.0).collect()
}

#[wasm_bindgen]
pub fn wp_request_kill(ptr: u32, worker: u32) {
    let p = pool(ptr);
    p.worker(worker).request_kill();
    p.wake_all();
}

#[wasm_bindgen]
pub fn wp_safe_to_terminate(ptr: u32, worker: u32) -> bool {
    pool(ptr).worker(worker).safe_to_terminate()
}

#[wasm_bindgen]
pub fn wp_begin_shutdown(ptr: u32, mode: u32) {
    pool(ptr).begin_shutdown(mode);
}

/// After shutdown: ids of queued tasks, now cancelled.
#[wasm_bindgen]
pub fn wp_drain_queued(ptr: u32) -> Vec<u32> {
    pool(ptr).drain_queued().into_iter().map(|id| id.0).collect()
}

#[wasm_bindgen]
pub fn wp_queued(ptr: u32) -> u32 {
    pool(ptr).queued()
}

#[wasm_bindgen]
/// 0 if `len` bytes cannot be had (never a panic: this runs on the page's
/// thread, whose instance must not trap).
pub fn wp_alloc(len: u32) -> u32 {
    let Ok(layout) = Layout::from_size_align(len.max(1) as usize, 8) else {
        return 0; // over isize::MAX, more than wasm32 can address
    };
    // SAFETY: non-zero size.
    let p = unsafe { std::alloc::alloc(layout) };
    p as u32
}

#[wasm_bindgen]
pub fn wp_free(ptr: u32, len: u32) {
    if ptr == 0 {
        return;
    }
    let layout = Layout::from_size_align(len.max(1) as usize, 8).expect("allocation too large");
    // SAFETY: allocated by `wp_alloc` with the same length.
    unsafe { std::alloc::dealloc(ptr as *mut u8, layout) }
}

// ---- workers ----

/// Called once by a worker after its instance started: registers the thread
/// so its allocations are bracketed and its panics recorded.
#[wasm_bindgen]
pub fn wp_worker_start(ptr: u32, worker: u32, tls_base: u32, stack_alloc: u32) {
    let rec = pool(ptr).worker(worker);
    rec.tls_base.store(tls_base, SeqCst);
    rec.stack_alloc.store(stack_alloc, SeqCst);
    alloc::bracket_this_thread(rec);
    // The thread's first externref allocates its externref slab: do it here,
    // where the allocator records the block for the page to free later.
    alloc::adopt_thread_heap(|| drop(JsValue::from_f64(0.0)));
    rec.status.store(status::IDLE, SeqCst);
    std::panic::set_hook(Box::new(panic::record));
}

/// Runs up to `rounds` rounds of the idle spin on the calling thread (the
/// page calibrates the spin with it): how many ran.
#[wasm_bindgen]
pub fn wp_spin_probe(ptr: u32, rounds: u32) -> u32 {
    pool(ptr).spin_probe(rounds)
}

/// How many rounds this pool's idle workers spin before they sleep.
#[wasm_bindgen]
pub fn wp_set_spin_rounds(ptr: u32, rounds: u32) {
    pool(ptr).set_spin_rounds(rounds);
}

#[wasm_bindgen]
pub fn wp_worker_next(ptr: u32, worker: u32, timeout_ms: i32) -> i32 {
    let timeout = (timeout_ms >= 0).then_some(timeout_ms as u32);
    pool(ptr).next(worker, timeout).code()
}

#[wasm_bindgen]
pub fn wp_worker_try_next(ptr: u32, worker: u32) -> i32 {
    pool(ptr).try_next(worker).code()
}

/// A cold sleep, step 1: `seen` is the jobs event (`POOL_JOBS_EVENT`) as the
/// worker read it just before. A task id or code as `wp_worker_next`, or
/// `NEXT_SLEEP`: wait with `Atomics.waitAsync` while the event equals `seen`,
/// then call `wp_worker_sleep_end` once.
#[wasm_bindgen]
pub fn wp_worker_sleep_begin(ptr: u32, worker: u32, seen: u32) -> i32 {
    pool(ptr).begin_cold_sleep(worker, seen).code()
}

/// A cold sleep, step 2: the worker woke up.
#[wasm_bindgen]
pub fn wp_worker_sleep_end(ptr: u32) {
    pool(ptr).end_cold_sleep();
}

/// A `Completed` code: 0 not completed (abandoned or killed), 1 completed,
/// 2 completed and the main thread was waiting (the JS layer posts a wake-up
/// message when the browser lacks `Atomics.waitAsync`).
#[wasm_bindgen]
pub fn wp_worker_complete(ptr: u32, worker: u32, id: u32) -> u32 {
    pool(ptr).complete(worker, TaskId(id)) as u32
}

/// The worker's last call into wasm: afterwards it only posts 'exited' and
/// closes, and the page frees its stack and TLS.
#[wasm_bindgen]
pub fn wp_worker_exit(ptr: u32, worker: u32) {
    alloc::unbracket_this_thread();
    pool(ptr).exit(worker);
}

/// Bytes the Rust allocator has handed out and not taken back, over every
/// thread (the leak tests compare it before and after a run).
#[wasm_bindgen]
pub fn wp_heap_bytes() -> u32 {
    alloc::live_bytes() as u32
}

/// Frees the heap block a worker's thread state owned (see src/wasm/alloc.rs),
/// with its stack and TLS: only once its thread runs no more wasm.
#[wasm_bindgen]
pub fn wp_free_thread_heap(ptr: u32, worker: u32) {
    alloc::free_thread_heap(pool(ptr).worker(worker));
}

/// Address of this thread's panic-message buffer (`u32` length, then UTF-8).
#[wasm_bindgen]
pub fn wp_panic_buffer() -> u32 {
    panic::buffer_address()
}

// ---- Rust tasks by name (crate::api::tasks) ----

#[wasm_bindgen]
pub fn wp_has_task(name: &str) -> bool {
    tasks::find(name).is_some()
}

/// The id of the Rust task `name` (stable for the module's life), or -1.
#[wasm_bindgen]
pub fn wp_task_id(name: &str) -> i32 {
    tasks::id_of(name).map_or(-1, |id| id as i32)
}

/// Runs the Rust task with id `id` (`wp_task_id`) in whichever thread calls
/// it: a pool worker. By id, not by name: a name would be a string the glue
/// allocates for the call, stranded if the task panics.
#[wasm_bindgen]
pub fn wp_run_task(id: u32, args: Array) -> Result<JsValue, JsValue> {
    match tasks::by_id(id) {
        Some(task) => task(args),
        None => Err(js_sys::TypeError::new(&format!("no Rust task with id {id}")).into()),
    }
}
