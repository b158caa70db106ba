//! The live pools, by handle (module README of `sched`, invariant 9): what
//! every `wp_*` export that takes a pool is given instead of the control
//! block's address.
//!
//! A handle is `generation << INDEX_BITS | index`: an entry of a fixed table
//! and the generation it had when the pool was made. Freeing a pool clears
//! its entry, and the next pool made there gets the next generation, so a
//! handle kept after shutdown (or made up) matches no live pool: the export
//! refuses it (a `TypeError`, or an inert answer on the hot paths) instead of
//! reading or writing whatever now lies at the old address. The check is two
//! atomic loads and a compare, cheap enough for every call, the hot paths
//! included: about 8 ns over the six calls a task makes, against the
//! microseconds a task costs in all (bench/NOTES.md, "Pool handles").
//!
//! The table is only consulted, never locked: a pool is made and freed on the
//! page (by its owner) and looked up from any thread. The page frees a pool
//! only after every worker of it has left (src/js/page/pool.js), so no
//! worker's lookup can race with the free.

use crate::sched::pool::Shared;
use core::sync::atomic::{AtomicU32, Ordering::*};

/// Bits of a handle that select the table entry.
const INDEX_BITS: u32 = 10;
/// Pools alive at the same time, at most.
pub(super) const MAX_LIVE_POOLS: u32 = 1 << INDEX_BITS;
/// Generations run in the 21 bits above the index, so that a handle is a
/// positive `i32` for JS; 0 is never a generation, so 0 is never a handle.
const GENERATION_MASK: u32 = (1 << 21) - 1;

struct Entry {
    /// The live pool's handle, or 0 while the entry is free.
    handle: AtomicU32,
    /// The control block (a `Box<Shared>` turned into an address).
    address: AtomicU32,
    /// The generation the entry's last pool had.
    generation: AtomicU32,
}

/// Marks an entry taken while its pool is being installed.
const INSTALLING: u32 = u32::MAX;

static TABLE: [Entry; MAX_LIVE_POOLS as usize] =
    [const { Entry { handle: AtomicU32::new(0), address: AtomicU32::new(0), generation: AtomicU32::new(0) } };
        MAX_LIVE_POOLS as usize];

/// Makes `shared` a live pool; its handle, or `None` when
/// [`MAX_LIVE_POOLS`] pools are alive (then `shared` is dropped).
pub(super) fn insert(shared: Box<Shared>) -> Option<u32> {
    for (index, entry) in TABLE.iter().enumerate() {
        if entry.handle.compare_exchange(0, INSTALLING, Acquire, Relaxed).is_err() {
            continue;
        }
        let generation = match entry.generation.load(Relaxed).wrapping_add(1) & GENERATION_MASK {
            0 => 1,
            g => g,
        };
        entry.generation.store(generation, Relaxed);
        entry.address.store(Box::into_raw(shared) as u32, Relaxed);
        let handle = generation << INDEX_BITS | index as u32;
        entry.handle.store(handle, Release);
        return Some(handle);
    }
    None
}

fn entry(handle: u32) -> Option<&'static Entry> {
    let entry = TABLE.get((handle & (MAX_LIVE_POOLS - 1)) as usize)?;
    (handle != 0 && handle != INSTALLING && entry.handle.load(Acquire) == handle).then_some(entry)
}

/// The live pool `handle` refers to.
pub(super) fn get(handle: u32) -> Option<&'static Shared> {
    // SAFETY: a live entry's address is a `Box<Shared>` that stays allocated
    // until `remove` clears the entry (and the page removes a pool only after
    // its workers left, see the module comment).
    entry(handle).map(|e| unsafe { &*(e.address.load(Relaxed) as *const Shared) })
}

/// Ends the pool `handle` refers to: its control block, which the caller
/// drops. `None` if it is not live (freed already, or never was).
pub(super) fn remove(handle: u32) -> Option<Box<Shared>> {
    let entry = entry(handle)?;
    entry.handle.compare_exchange(handle, INSTALLING, AcqRel, Relaxed).ok()?;
    let address = entry.address.swap(0, Relaxed);
    entry.handle.store(0, Release);
    // SAFETY: made by `Box::into_raw` in `insert`; the entry no longer hands
    // it out, and the CAS above made this the one remover.
    Some(unsafe { Box::from_raw(address as *mut Shared) })
}
