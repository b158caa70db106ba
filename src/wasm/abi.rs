//! Every `wasm_bindgen` export of the crate's core (`wp_*`): the thin glue
//! between the JS layer and `crate::sched`.
//!
//! Every scheduling export takes plain integers (a pool's handle, worker
//! indices and task ids) so a call costs a few nanoseconds and allocates
//! nothing. Nothing here decides anything: scheduling lives in `sched`, policy
//! in the JS layer.
//!
//! Page scripts can call these exports too (the glue module exports them), so
//! none of them trusts its arguments: a pool is reached through its handle
//! (`pools`), worker indices and task ids are checked against it. A handle of
//! a pool that was shut down, or a made-up one, is a `TypeError` at the call;
//! on the hot paths (submit, complete, claim: the calls made per task, whose
//! raw exports the JS layer calls directly) it gets an inert answer instead
//! ("no slot", "nothing to do", "not completed"), since a `Result` would cost
//! every call an allocation. Either way no memory is touched.

use super::{alloc, panic, pools};
use crate::sched::pool::{Completed, Next, Shared};
use crate::sched::task::{TaskId, MAX_SLOTS, MAX_WORKERS};
use crate::sched::worker::{status, WorkerRecord};
use crate::tasks;
use js_sys::Array;
use std::alloc::Layout;
use std::sync::atomic::Ordering::SeqCst;
use wasm_bindgen::prelude::*;

/// The live pool `handle` refers to, or the `TypeError` for a stale or forged one.
fn pool(handle: u32) -> Result<&'static Shared, JsValue> {
    pools::get(handle).ok_or_else(|| {
        js_sys::TypeError::new(&format!(
            "{handle} is not a live wasmpool pool: it was shut down, or is not a pool handle \
             (use the Pool object, not the raw wp_* exports)"
        ))
        .into()
    })
}

/// Worker `worker`'s record in the pool `handle`, or the `TypeError`.
fn record(handle: u32, worker: u32) -> Result<&'static WorkerRecord, JsValue> {
    let p = pool(handle)?;
    if worker >= p.worker_count() {
        return Err(js_sys::TypeError::new(&format!("pool {handle} has no worker {worker}")).into());
    }
    Ok(p.worker(worker))
}

/// The hot paths' check: the pool, if `handle` is live and has worker `worker`.
#[inline]
fn pool_with_worker(handle: u32, worker: u32) -> Option<&'static Shared> {
    pools::get(handle).filter(|p| worker < p.worker_count())
}

/// The hot paths' check of a task id: the pool, if `handle` is live and has `id`'s slot.
#[inline]
fn pool_with_task(handle: u32, id: u32) -> Option<&'static Shared> {
    pools::get(handle).filter(|p| p.has_slot(TaskId(id)))
}

// ---- layout: the offsets and codes themselves are in crate::layout ----

/// The hash of `crate::layout`'s table, which the JS layer compares with its
/// own copy (`LAYOUT_HASH` of src/js/common/layout-constants.js) at start-up.
#[wasm_bindgen]
pub fn wp_layout_hash() -> u32 {
    crate::layout::LAYOUT_HASH
}

// ---- main thread ----

/// A new pool: its handle (not an address: `wp_pool_address` gives that).
#[wasm_bindgen]
pub fn wp_pool_new(slots: u32, max_workers: u32) -> Result<u32, JsValue> {
    if !(1..=MAX_SLOTS).contains(&slots) || max_workers > MAX_WORKERS {
        let message = format!("a pool has 1 to {MAX_SLOTS} slots and at most {MAX_WORKERS} workers");
        return Err(js_sys::RangeError::new(&message).into());
    }
    panic::install_hook();
    pools::insert(Box::new(Shared::new(slots, max_workers))).ok_or_else(|| {
        let message = format!("{} pools are alive already: shut some down first", pools::MAX_LIVE_POOLS);
        js_sys::Error::new(&message).into()
    })
}

/// The address of the pool's control block, whose first words the JS layer
/// reads in place (`POOL_*` offsets).
#[wasm_bindgen]
pub fn wp_pool_address(pool: u32) -> Result<u32, JsValue> {
    self::pool(pool).map(|p| p as *const Shared as u32)
}

/// Frees the control block. Only after every worker has exited; afterwards
/// the handle is refused by every export.
#[wasm_bindgen]
pub fn wp_pool_free(pool: u32) -> Result<(), JsValue> {
    self::pool(pool)?;
    drop(pools::remove(pool));
    Ok(())
}

#[wasm_bindgen]
pub fn wp_slots_ptr(pool: u32) -> Result<u32, JsValue> {
    self::pool(pool).map(|p| p.slots_ptr() as u32)
}

#[wasm_bindgen]
pub fn wp_worker_ptr(pool: u32, worker: u32) -> Result<u32, JsValue> {
    record(pool, worker).map(|r| r as *const WorkerRecord as u32)
}

#[wasm_bindgen]
pub fn wp_occupy(pool: u32, worker: u32, uid: u32) -> Result<(), JsValue> {
    record(pool, worker).map(|r| r.occupy(uid))
}

/// A free slot's task id, or -1 (none free, or not a live pool).
#[wasm_bindgen]
pub fn wp_reserve(pool: u32) -> i32 {
    pools::get(pool).and_then(Shared::reserve).map_or(-1, |id| id.0 as i32)
}

/// Publishes a reserved task; false (and nothing happens) if `id` is not a
/// task reserved in the live pool `pool`.
#[wasm_bindgen]
pub fn wp_publish(pool: u32, id: u32) -> bool {
    pool_with_task(pool, id).is_some_and(|p| p.publish(TaskId(id)))
}

/// True if the task is now cancelled (false: it was claimed, or is no task
/// of a live pool).
#[wasm_bindgen]
pub fn wp_cancel(pool: u32, id: u32) -> bool {
    pool_with_task(pool, id).is_some_and(|p| p.cancel(TaskId(id)))
}

/// The next finished task's id, or -1 (none, or not a live pool).
#[wasm_bindgen]
pub fn wp_pop_completion(pool: u32) -> i32 {
    pools::get(pool).and_then(Shared::pop_completion).map_or(-1, |id| id.0 as i32)
}

#[wasm_bindgen]
pub fn wp_release(pool: u32, id: u32) -> bool {
    pool_with_task(pool, id).is_some_and(|p| p.release(TaskId(id)))
}

/// Settles a dead worker's tasks: the ids of those that were still running.
#[wasm_bindgen]
pub fn wp_abandon(pool: u32, worker: u32) -> Result<Vec<u32>, JsValue> {
    record(pool, worker)?;
    Ok(self::pool(pool)?.abandon(worker).into_iter().map(|id| id.0).collect())
}

#[wasm_bindgen]
pub fn wp_request_kill(pool: u32, worker: u32) -> Result<(), JsValue> {
    record(pool, worker)?.request_kill();
    self::pool(pool)?.wake_all();
    Ok(())
}

#[wasm_bindgen]
pub fn wp_safe_to_terminate(pool: u32, worker: u32) -> Result<bool, JsValue> {
    record(pool, worker).map(WorkerRecord::safe_to_terminate)
}

#[wasm_bindgen]
pub fn wp_begin_shutdown(pool: u32, mode: u32) -> Result<(), JsValue> {
    self::pool(pool).map(|p| p.begin_shutdown(mode))
}

/// After shutdown: ids of queued tasks, now cancelled.
#[wasm_bindgen]
pub fn wp_drain_queued(pool: u32) -> Result<Vec<u32>, JsValue> {
    Ok(self::pool(pool)?.drain_queued().into_iter().map(|id| id.0).collect())
}

/// Tasks queued and not yet claimed (0 if not a live pool).
#[wasm_bindgen]
pub fn wp_queued(pool: u32) -> u32 {
    pools::get(pool).map_or(0, Shared::queued)
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
pub fn wp_worker_start(pool: u32, worker: u32, tls_base: u32, stack_alloc: u32) -> Result<(), JsValue> {
    let rec = record(pool, worker)?;
    // Thread start is over once the TLS base is stored, and nothing here
    // allocates before the allocator brackets this thread: a kill that waits
    // for it (invariant 4) then finds the worker outside a critical section
    // or parked at its next one. The stack goes first, so a kill that saw the
    // TLS base takes both (invariant 10): a record with a TLS and no stack
    // would make the page free its own stack.
    rec.stack_alloc.store(stack_alloc, SeqCst);
    rec.tls_base.store(tls_base, SeqCst);
    alloc::bracket_this_thread(rec);
    // The thread's first externref allocates its externref slab: do it here,
    // where the allocator records the block for the page to free later.
    alloc::adopt_thread_heap(|| drop(JsValue::from_f64(0.0)));
    rec.status.store(status::IDLE, SeqCst);
    panic::install_hook();
    Ok(())
}

/// Runs up to `rounds` rounds of the idle spin on the calling thread (the
/// page calibrates the spin with it): how many ran (0 if not a live pool).
#[wasm_bindgen]
pub fn wp_spin_probe(pool: u32, rounds: u32) -> u32 {
    pools::get(pool).map_or(0, |p| p.spin_probe(rounds))
}

/// How many rounds this pool's idle workers spin before they sleep.
#[wasm_bindgen]
pub fn wp_set_spin_rounds(pool: u32, rounds: u32) {
    if let Some(p) = pools::get(pool) {
        p.set_spin_rounds(rounds);
    }
}

/// A task id, or a `NEXT_*` code (`NEXT_EXIT` if not a live pool's worker).
#[wasm_bindgen]
pub fn wp_worker_next(pool: u32, worker: u32, timeout_ms: i32) -> i32 {
    let timeout = (timeout_ms >= 0).then_some(timeout_ms as u32);
    pool_with_worker(pool, worker).map_or(Next::EXIT_CODE, |p| p.next(worker, timeout).code())
}

#[wasm_bindgen]
pub fn wp_worker_try_next(pool: u32, worker: u32) -> i32 {
    pool_with_worker(pool, worker).map_or(Next::EXIT_CODE, |p| p.try_next(worker).code())
}

/// A cold sleep, step 1: `seen` is the jobs event (`POOL_JOBS_EVENT`) as the
/// worker read it just before. A task id or code as `wp_worker_next`, or
/// `NEXT_SLEEP`: wait with `Atomics.waitAsync` while the event equals `seen`,
/// then call `wp_worker_sleep_end` once.
#[wasm_bindgen]
pub fn wp_worker_sleep_begin(pool: u32, worker: u32, seen: u32) -> i32 {
    pool_with_worker(pool, worker).map_or(Next::EXIT_CODE, |p| p.begin_cold_sleep(worker, seen).code())
}

/// A cold sleep, step 2: the worker woke up.
#[wasm_bindgen]
pub fn wp_worker_sleep_end(pool: u32) {
    if let Some(p) = pools::get(pool) {
        p.end_cold_sleep();
    }
}

/// A `Completed` code: 0 not completed (abandoned, killed, or not a live
/// pool's task), 1 completed, 2 completed and the main thread was waiting
/// (the JS layer posts a wake-up message when the browser lacks
/// `Atomics.waitAsync`).
#[wasm_bindgen]
pub fn wp_worker_complete(pool: u32, worker: u32, id: u32) -> u32 {
    let completed = match pool_with_worker(pool, worker).filter(|p| p.has_slot(TaskId(id))) {
        Some(p) => p.complete(worker, TaskId(id)),
        None => Completed::No,
    };
    completed as u32
}

/// The worker's last call into wasm: afterwards it only posts 'exited' and
/// closes, and the page frees its stack and TLS.
#[wasm_bindgen]
pub fn wp_worker_exit(pool: u32, worker: u32) -> Result<(), JsValue> {
    record(pool, worker)?;
    alloc::unbracket_this_thread();
    self::pool(pool)?.exit(worker);
    Ok(())
}

/// Frees the heap block a worker's thread state owned (see src/wasm/alloc.rs),
/// which the page took out of its record: with its stack and TLS, once its
/// thread has ended (invariant 10).
#[wasm_bindgen]
pub fn wp_free_thread_heap(ptr: u32, bytes: u32) {
    alloc::free_thread_heap(ptr, bytes);
}

/// Bytes the Rust allocator has handed out and not taken back, over every
/// thread (the leak tests compare it before and after a run).
#[wasm_bindgen]
pub fn wp_heap_bytes() -> u32 {
    alloc::live_bytes() as u32
}

/// Address of this thread's panic-message buffer (`u32` length, then UTF-8);
/// installs the hook that writes it (a message-transport worker's own
/// instance has no `wp_worker_start`).
#[wasm_bindgen]
pub fn wp_panic_buffer() -> u32 {
    panic::install_hook();
    panic::buffer_address()
}

// ---- Rust tasks by name (crate::tasks) ----

#[wasm_bindgen]
pub fn wp_has_task(name: &str) -> bool {
    tasks::find(name).is_some()
}

/// Every Rust task's name, one per line.
#[wasm_bindgen]
pub fn wp_task_names() -> String {
    tasks::names()
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
