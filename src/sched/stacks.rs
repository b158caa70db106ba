//! Freed thread stacks, kept for the next thread start (invariant 11 of the
//! module README).
//!
//! wasm-bindgen's thread start `malloc`s each thread's stack
//! ([`THREAD_STACK_BYTES`], aligned to [`THREAD_STACK_ALIGN`]) and its thread
//! destroy frees it. Handed back to dlmalloc, a freed stack is a 1 MiB hole
//! that any small request may be carved from when no smaller free block
//! fits; after that no stack fits the hole, and the next thread start grows
//! the memory by a whole stack: a panicked task's leaked argument string or
//! any small long-lived block can cost a stack per thread start
//! (tests/browser/faults.test.mjs). So the allocator keeps up to
//! [`KEPT_STACKS`] freed stacks here, out of dlmalloc's reach, and the next
//! stack request takes one.
//!
//! Lock-free: a slot holds a block's address or 0; `keep` CASes an empty slot
//! to the address, `take` CASes a full one back to 0. The CAS that empties a
//! slot hands its block to exactly one taker; an address can only reappear in
//! a slot once its taker freed it again, so there is no ABA hazard.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

/// Bytes of a worker thread's stack: what the JS layer passes to
/// wasm-bindgen's thread start (a multiple of 64 KiB, as wasm-bindgen
/// requires; also wasm-bindgen's and wasm-bindgen-rayon's default).
pub(crate) const THREAD_STACK_BYTES: usize = 1 << 20;

/// The alignment wasm-bindgen's thread start asks `malloc` for.
pub(crate) const THREAD_STACK_ALIGN: usize = 16;

/// How many freed stacks are kept. More threads than this ending at once
/// hand the rest back to the allocator (the memory they hold could then serve
/// other data); 16 covers a pool per core on common machines.
pub(crate) const KEPT_STACKS: usize = 16;

/// Up to [`KEPT_STACKS`] freed blocks of one size and alignment.
pub(crate) struct StackCache {
    slots: [AtomicUsize; KEPT_STACKS],
}

impl StackCache {
    pub(crate) const fn new() -> Self {
        Self { slots: [const { AtomicUsize::new(0) }; KEPT_STACKS] }
    }

    /// A kept block's address, now the caller's; `None` if none is kept.
    /// (Cold: called once per thread start. Inlined, the loop would be
    /// unrolled into every allocation path: +2 KB of wasm.)
    #[cold]
    #[inline(never)]
    pub(crate) fn take(&self) -> Option<usize> {
        self.slots.iter().find_map(|slot| {
            let block = slot.load(SeqCst);
            (block != 0 && slot.compare_exchange(block, 0, SeqCst, SeqCst).is_ok()).then_some(block)
        })
    }

    /// Keeps the freed block at `block` (non-zero); false if every slot is
    /// full, and then the caller still owns it. (Cold, as `take`.)
    #[cold]
    #[inline(never)]
    pub(crate) fn keep(&self, block: usize) -> bool {
        debug_assert_ne!(block, 0);
        self.slots.iter().any(|slot| slot.compare_exchange(0, block, SeqCst, SeqCst).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::{StackCache, KEPT_STACKS};
    use crate::sched::tests::Rng;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::sync::Arc;

    #[test]
    fn keeps_up_to_its_capacity_and_hands_each_block_out_once() {
        let cache = StackCache::new();
        assert_eq!(cache.take(), None);
        for block in 1..=KEPT_STACKS {
            assert!(cache.keep(block * 16));
        }
        assert!(!cache.keep(9999 * 16), "a full cache refuses");
        let mut out: Vec<usize> = std::iter::from_fn(|| cache.take()).collect();
        out.sort_unstable();
        assert_eq!(out, (1..=KEPT_STACKS).map(|b| b * 16).collect::<Vec<_>>());
    }

    /// Threads take and keep blocks at random; every block is owned by one
    /// thread or the cache at any time (a block handed out twice trips the
    /// owner flags), and none is lost.
    #[test]
    fn stress_no_block_is_handed_out_twice_or_lost() {
        const THREADS: usize = 4;
        const BLOCKS: usize = KEPT_STACKS + 8;
        let cache = Arc::new(StackCache::new());
        let owned: Arc<Vec<AtomicBool>> = Arc::new((0..=BLOCKS).map(|_| AtomicBool::new(false)).collect());
        // Blocks 1..=BLOCKS: the first KEPT_STACKS start in the cache, the
        // rest with the threads.
        for block in 1..=KEPT_STACKS {
            assert!(cache.keep(block));
        }
        let spare: Vec<usize> = (KEPT_STACKS + 1..=BLOCKS).collect();
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (cache, owned) = (cache.clone(), owned.clone());
                let mut mine: Vec<usize> = spare.iter().copied().filter(|b| b % THREADS == t).collect();
                for &b in &mine {
                    owned[b].store(true, SeqCst);
                }
                std::thread::spawn(move || {
                    let mut rng = Rng((t as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
                    for step in 0..200_000 {
                        if rng.below(2) == 0 {
                            if let Some(b) = cache.take() {
                                assert!(!owned[b].swap(true, SeqCst), "thread {t} step {step}: block {b} taken twice");
                                mine.push(b);
                            }
                        } else if let Some(b) = mine.pop() {
                            owned[b].store(false, SeqCst);
                            if !cache.keep(b) {
                                owned[b].store(true, SeqCst);
                                mine.push(b);
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        let mut all: Vec<usize> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.extend(std::iter::from_fn(|| cache.take()));
        assert_eq!(all.iter().copied().collect::<HashSet<_>>().len(), all.len(), "a block is held twice");
        all.sort_unstable();
        assert_eq!(all, (1..=BLOCKS).collect::<Vec<_>>(), "a block was lost");
    }
}
