//! The allocator bracket (module README of `sched`, invariant 4): on a worker
//! thread every allocation is a critical section, so a worker is never
//! terminated while holding dlmalloc's lock. A worker asked to die parks here
//! forever instead.
//!
//! The allocator also runs before its thread has thread-local storage:
//! wasm-bindgen's thread start (its threads transform) `malloc`s the new
//! thread's stack and then its TLS block, and only then calls
//! `__wasm_init_tls`. Until then `__tls_base` holds its initial value, 0, so a
//! thread-local read there reads the first bytes of memory (the bottom of the
//! first thread's stack), whatever they hold. So the bracket reads
//! `CURRENT_WORKER` only once this thread's TLS block exists; see
//! [`tls_block_exists`].

use crate::sched::worker::WorkerRecord;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::Ordering::SeqCst;

thread_local! {
    static CURRENT_WORKER: Cell<*const WorkerRecord> = const { Cell::new(core::ptr::null()) };
}

unsafe extern "C" {
    /// wasm-ld's end of the static data (stack, data, bss): `malloc` hands out
    /// memory above it, TLS blocks included.
    static __heap_base: u8;
}

/// Whether this thread's TLS block exists, without reading TLS: a
/// thread-local's address is `__tls_base` plus its offset in the block, so it
/// lies in the heap once `__wasm_init_tls` has run (wasm-bindgen `malloc`s
/// every thread's block, the first thread's too) and below `__heap_base`
/// before (then it is just the offset: `__tls_base` starts at 0 in every
/// instance).
///
/// Measured (Node.js 20, `initRayon(1)` then a pool, before this check): in
/// V8 11.3's baseline compiler a local reads 0 after `memory.atomic.wait32`
/// (not with `--no-liftoff`), so a rayon thread woken in std's `thread::park`
/// decremented its `Thread`'s reference count at address 0: the word there
/// became 0xffffffff, a starting worker's allocator took it for its
/// `WorkerRecord` and trapped (7 of 20 runs) while holding wasm-bindgen's
/// temporary-stack lock, which hung every later thread start.
#[inline]
fn tls_block_exists() -> bool {
    let var = CURRENT_WORKER.with(|c| core::ptr::from_ref(c).addr());
    var >= (&raw const __heap_base).addr()
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
        if !tls_block_exists() {
            // Thread start: no record yet, nothing to bracket.
            return f();
        }
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
