//! The global allocator. On a worker thread it does three things around
//! `System` (dlmalloc):
//!
//! - it brackets every allocation as a critical section (module README of
//!   `sched`, invariant 4), so a worker is never terminated while holding
//!   dlmalloc's lock; a worker asked to die parks here forever instead;
//! - it keeps track of the worker's *thread heap*: the one heap block its
//!   thread state owns (wasm-bindgen's externref slab, a `Vec` in a
//!   `#[thread_local]`), which nothing frees when the thread ends, since
//!   wasm threads run no thread-local destructors. The page frees it with
//!   the thread's stack and TLS ([`free_thread_heap`], invariant 10 of the
//!   `sched` README), since such small blocks left behind keep freed 1 MiB
//!   stacks from being reused (invariant 11);
//! - it counts the bytes live over all threads ([`live_bytes`], for the leak
//!   tests);
//! - on every thread it keeps freed thread stacks for the next thread start
//!   instead of handing them back to dlmalloc, which would carve small
//!   blocks out of them (invariant 11, [`crate::sched::stacks`]).
//!
//! The allocator also runs before its thread has thread-local storage:
//! wasm-bindgen's thread start (its threads transform) `malloc`s the new
//! thread's stack and then its TLS block, and only then calls
//! `__wasm_init_tls`. Until then `__tls_base` holds its initial value, 0, so a
//! thread-local read there reads the first bytes of memory (the bottom of the
//! first thread's stack), whatever they hold. So the bracket reads
//! `THIS_THREAD` only once this thread's TLS block exists; see
//! [`tls_block_exists`].

use crate::sched::stacks::{StackCache, THREAD_STACK_ALIGN, THREAD_STACK_BYTES};
use crate::sched::worker::WorkerRecord;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};

/// This thread's worker record (null on the page and other threads), and
/// whether its next allocation is its thread heap ([`adopt_thread_heap`]).
#[derive(Clone, Copy)]
struct ThisThread {
    record: *const WorkerRecord,
    adopting: bool,
}

thread_local! {
    static THIS_THREAD: Cell<ThisThread> =
        const { Cell::new(ThisThread { record: core::ptr::null(), adopting: false }) };
    /// Blocks allocated while adopting (exactly one is the thread heap).
    static ADOPTED: Cell<u32> = const { Cell::new(0) };
}

/// Bytes currently allocated (requested sizes), by every thread.
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

/// Freed thread stacks (kept blocks count as freed in [`LIVE_BYTES`]).
static STACKS: StackCache = StackCache::new();

/// Whether a block of `layout` is a thread stack's (or interchangeable with
/// one: any block of this exact size and alignment is).
#[inline]
fn is_stack(layout: Layout) -> bool {
    layout.size() == THREAD_STACK_BYTES && layout.align() == THREAD_STACK_ALIGN
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
/// What lies at address 0 cannot be trusted: a V8 baseline-compiler bug makes
/// a rayon thread woken in std's `thread::park` write 0xffffffff there, which
/// a thread-local read before the block exists would take for a
/// `WorkerRecord` and trap on, holding wasm-bindgen's temporary-stack lock
/// (bench/NOTES.md, "Thread start").
#[inline]
fn tls_block_exists() -> bool {
    let var = THIS_THREAD.with(|c| core::ptr::from_ref(c).addr());
    var >= (&raw const __heap_base).addr()
}

/// Brackets this thread's allocations with `record`'s critical word from now
/// on. Called by `wp_worker_start`; `record` belongs to a pool that outlives
/// its workers.
pub(super) fn bracket_this_thread(record: &WorkerRecord) {
    THIS_THREAD.with(|t| t.set(ThisThread { record, adopting: false }));
}

/// Stops bracketing: the worker leaves its pool (`wp_worker_exit`), whose
/// record may then be reused by another occupant.
pub(super) fn unbracket_this_thread() {
    THIS_THREAD.with(|t| t.set(ThisThread { record: core::ptr::null(), adopting: false }));
}

/// Makes this (bracketed) worker thread allocate its thread heap now, and
/// records that block in its worker record: `touch` must be what allocates it
/// (the thread's first externref). If `touch` allocated anything but one
/// block (the slab existed already, or wasm-bindgen changed), nothing is
/// recorded: a block left behind is a leak, a wrong one would be freed twice.
pub(super) fn adopt_thread_heap(touch: impl FnOnce()) {
    let this = THIS_THREAD.with(Cell::get);
    if this.record.is_null() {
        return;
    }
    ADOPTED.with(|n| n.set(0));
    THIS_THREAD.with(|t| t.set(ThisThread { adopting: true, ..this }));
    touch();
    THIS_THREAD.with(|t| t.set(this));
    if ADOPTED.with(Cell::get) != 1 {
        // SAFETY: set by `bracket_this_thread` to a live pool's record.
        let rec = unsafe { &*this.record };
        rec.thread_heap.store(0, SeqCst);
        rec.thread_heap_bytes.store(0, SeqCst);
    }
}

/// Frees a thread heap of `size` bytes at `ptr` that the page took out of a
/// worker record (invariant 10: its thread has ended).
pub(super) fn free_thread_heap(ptr: u32, size: u32) {
    if ptr != 0 {
        // SAFETY: recorded by `alloc`/`realloc` below as a live block of
        // `size` bytes (a Vec<usize>, hence the alignment) whose owner, the
        // ended thread's externref slab, will never touch it again; the page
        // took it out of the record (zeroing it), so it is freed once.
        unsafe { std::alloc::dealloc(ptr as *mut u8, Layout::from_size_align_unchecked(size as usize, 4)) }
    }
}

/// Bytes currently allocated by every thread (requested sizes).
pub(super) fn live_bytes() -> usize {
    LIVE_BYTES.load(Relaxed)
}

struct BracketedAlloc;

impl BracketedAlloc {
    /// Runs `f` (one call into `System`) inside this worker's critical
    /// section; `f` gets the worker's record and whether it is adopting.
    #[inline]
    fn bracket<R>(f: impl FnOnce(Option<(&WorkerRecord, bool)>) -> R) -> R {
        if !tls_block_exists() {
            // Thread start: no record yet, nothing to bracket.
            return f(None);
        }
        let this = THIS_THREAD.with(Cell::get);
        if this.record.is_null() {
            return f(None);
        }
        // SAFETY: set by `wp_worker_start` to a record of a pool that outlives
        // its workers; cleared by `wp_worker_exit`.
        let rec = unsafe { &*this.record };
        let was_inside = rec.critical.load(SeqCst) != 0;
        if was_inside {
            // Nested in a ring operation's section: already protected.
            return f(Some((rec, this.adopting)));
        }
        match rec.enter() {
            Ok(_section) => f(Some((rec, this.adopting))),
            Err(_) => loop {
                crate::sched::futex::wait(&rec.kill, 1, None);
            },
        }
    }

    /// Counts a new block of `size` bytes; records it as the thread heap if
    /// this thread is adopting it.
    #[inline]
    fn allocated(p: *mut u8, size: usize, worker: Option<(&WorkerRecord, bool)>) -> *mut u8 {
        if !p.is_null() {
            LIVE_BYTES.fetch_add(size, Relaxed);
            if let Some((rec, true)) = worker {
                ADOPTED.with(|n| n.set(n.get() + 1));
                rec.thread_heap.store(p as u32, SeqCst);
                rec.thread_heap_bytes.store(size as u32, SeqCst);
            }
        }
        p
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments,
// except that blocks of a thread stack's layout may instead come from and go
// to `STACKS`, which only ever holds such blocks, each freed by its owner and
// handed to one taker; the bracket around them only touches this thread's
// worker record.
unsafe impl GlobalAlloc for BracketedAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::bracket(|w| {
            let kept = if is_stack(layout) { STACKS.take() } else { None };
            let p = kept.map_or_else(|| unsafe { System.alloc(layout) }, |block| block as *mut u8);
            Self::allocated(p, layout.size(), w)
        })
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        Self::bracket(|w| {
            // Its owner freed the thread heap after all: not the page's to free.
            if let Some((rec, _)) = w.filter(|(rec, _)| rec.thread_heap.load(Relaxed) == ptr as u32) {
                rec.thread_heap.store(0, SeqCst);
            }
            if !(is_stack(layout) && STACKS.keep(ptr as usize)) {
                unsafe { System.dealloc(ptr, layout) }
            }
        });
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::bracket(|w| Self::allocated(unsafe { System.alloc_zeroed(layout) }, layout.size(), w))
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::bracket(|w| {
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                LIVE_BYTES.fetch_add(new_size, Relaxed);
                LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
                // The thread heap grows (more than 128 externrefs live at
                // once on this worker): follow it.
                if let Some((rec, _)) = w.filter(|(rec, _)| rec.thread_heap.load(Relaxed) == ptr as u32) {
                    rec.thread_heap.store(p as u32, SeqCst);
                    rec.thread_heap_bytes.store(new_size as u32, SeqCst);
                }
            }
            p
        })
    }
}

#[global_allocator]
static ALLOCATOR: BracketedAlloc = BracketedAlloc;
