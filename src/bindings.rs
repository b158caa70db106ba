//! The thin `wasm_bindgen` glue between the JS layer and [`crate::sched`].
//!
//! Every export takes plain integers (the pool's address, worker indices and
//! task ids) so a call costs a few nanoseconds and allocates nothing. Nothing
//! here decides anything: scheduling lives in `sched`, policy in the JS layer.

use crate::sched::pool::{layout as pool_layout, Shared};
use crate::sched::task::{layout as slot_layout, TaskId};
use crate::sched::worker::WorkerRecord;
use crate::sched::Next;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use wasm_bindgen::prelude::*;

// ---------------------------------------------------------------------------
// The allocator bracket (module README, invariant 4): on a worker thread every
// allocation is a critical section, so a worker is never terminated while
// holding dlmalloc's lock. A worker asked to die parks here forever instead.

thread_local! {
    static CURRENT_WORKER: Cell<*const WorkerRecord> = const { Cell::new(core::ptr::null()) };
}

struct BracketedAlloc;

impl BracketedAlloc {
    #[inline]
    fn bracket<R>(f: impl FnOnce() -> R) -> R {
        let rec = CURRENT_WORKER.with(|c| c.get());
        if rec.is_null() {
            return f();
        }
        // SAFETY: set by `wp_worker_start` to a record of a pool that outlives
        // its workers; cleared by `wp_worker_exit`.
        let rec = unsafe { &*rec };
        let was_inside = rec.critical.load(core::sync::atomic::Ordering::SeqCst) != 0;
        if was_inside {
            // Nested in a ring operation's section: already protected.
            return f();
        }
        match rec.enter() {
            Ok(_section) => f(),
            Err(_) => loop {
                crate::sched::futex::wait(&rec.kill, 1, None);
            },
        }
    }
}

unsafe impl GlobalAlloc for BracketedAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::bracket(|| unsafe { System.alloc(layout) })
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        Self::bracket(|| unsafe { System.dealloc(ptr, layout) })
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::bracket(|| unsafe { System.alloc_zeroed(layout) })
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::bracket(|| unsafe { System.realloc(ptr, layout, new_size) })
    }
}

#[global_allocator]
static ALLOCATOR: BracketedAlloc = BracketedAlloc;

fn pool<'a>(ptr: u32) -> &'a Shared {
    // SAFETY: `ptr` came from `wp_pool_new` and the JS layer frees it only
    // after every worker of the pool has exited.
    unsafe { &*(ptr as *const Shared) }
}

/// Status codes returned instead of a task id (ids are never negative).
const EXIT: i32 = -1;
const KILLED: i32 = -2;
const EMPTY: i32 = -3;

fn next_code(next: Next) -> i32 {
    match next {
        Next::Task(id) => id.0 as i32,
        Next::Exit => EXIT,
        Next::Killed => KILLED,
        Next::Empty => EMPTY,
    }
}

// ---- layout, so JS never hard-codes an offset ----

/// `[slot bytes, slot.state, slot.worker, slot.payload, pool.completion_event,
///   pool.main_waiting, pool.shutdown, pool.worker_event, worker record bytes]`
#[wasm_bindgen]
pub fn wp_layout() -> Vec<u32> {
    vec![
        slot_layout::SLOT_BYTES,
        slot_layout::STATE,
        slot_layout::WORKER,
        slot_layout::PAYLOAD,
        pool_layout::COMPLETION_EVENT,
        pool_layout::MAIN_WAITING,
        pool_layout::SHUTDOWN,
        pool_layout::WORKER_EVENT,
        core::mem::size_of::<WorkerRecord>() as u32,
    ]
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
pub fn wp_alloc(len: u32) -> u32 {
    let layout = Layout::from_size_align(len.max(1) as usize, 8).expect("allocation too large");
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
    rec.tls_base.store(tls_base, core::sync::atomic::Ordering::SeqCst);
    rec.stack_alloc.store(stack_alloc, core::sync::atomic::Ordering::SeqCst);
    CURRENT_WORKER.with(|c| c.set(rec));
    rec.status.store(crate::sched::worker::status::IDLE, core::sync::atomic::Ordering::SeqCst);
    std::panic::set_hook(Box::new(crate::panic::record));
}

#[wasm_bindgen]
pub fn wp_worker_next(ptr: u32, worker: u32, timeout_ms: i32) -> i32 {
    let timeout = (timeout_ms >= 0).then_some(timeout_ms as u32);
    next_code(pool(ptr).next(worker, timeout))
}

#[wasm_bindgen]
pub fn wp_worker_try_next(ptr: u32, worker: u32) -> i32 {
    next_code(pool(ptr).try_next(worker))
}

/// 0: not completed (abandoned or killed), 1: completed, 2: completed and the
/// main thread was waiting (the JS layer posts a wake-up message when the
/// browser lacks `Atomics.waitAsync`).
#[wasm_bindgen]
pub fn wp_worker_complete(ptr: u32, worker: u32, id: u32) -> u32 {
    use crate::sched::pool::Completed;
    match pool(ptr).complete(worker, TaskId(id)) {
        Completed::No => 0,
        Completed::Yes => 1,
        Completed::YesMainWasWaiting => 2,
    }
}

/// The worker's last call into wasm: afterwards it only posts 'exited' and
/// closes, and the page frees its stack and TLS.
#[wasm_bindgen]
pub fn wp_worker_exit(ptr: u32, worker: u32) {
    pool(ptr).exit(worker);
}

/// Address of this thread's panic-message buffer (`u32` length, then UTF-8).
#[wasm_bindgen]
pub fn wp_panic_buffer() -> u32 {
    crate::panic::buffer_address()
}
