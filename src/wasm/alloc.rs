//! The allocator bracket (module README of `sched`, invariant 4): on a worker
//! thread every allocation is a critical section, so a worker is never
//! terminated while holding dlmalloc's lock. A worker asked to die parks here
//! forever instead.

use crate::sched::worker::WorkerRecord;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::Ordering::SeqCst;

thread_local! {
    static CURRENT_WORKER: Cell<*const WorkerRecord> = const { Cell::new(core::ptr::null()) };
}

/// Brackets this thread's allocations with `record`'s critical word from now
/// on. Called by `wp_worker_start`; `record` belongs to a pool that outlives
/// its workers.
pub(super) fn bracket_this_thread(record: &WorkerRecord) {
    CURRENT_WORKER.with(|c| c.set(record));
}

/// Stops bracketing: the worker leaves its pool (`wp_worker_exit`), whose
/// record may then be reused by another occupant.
pub(super) fn unbracket_this_thread() {
    CURRENT_WORKER.with(|c| c.set(core::ptr::null()));
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
        let was_inside = rec.critical.load(SeqCst) != 0;
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

// SAFETY: every method forwards to `System` with the caller's arguments; the
// bracket around it only touches this thread's worker record.
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
