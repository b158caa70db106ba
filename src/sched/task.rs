//! A task's record in shared memory and its state machine.
//!
//! The state word packs `worker << 24 | generation << 8 | state` (the shifts
//! and masks below, which JS reads from `crate::layout`). Slots are
//! recycled, and a [`TaskId`] names a slot *at one generation*, so every
//! transition is a CAS against the full word: an id whose slot has since been
//! recycled simply fails to match. The claiming worker's index is part of the
//! same word, so "RUNNING on worker w" is one atomic fact (never a running
//! state with a stale worker next to it). The payload words are opaque to
//! the core (the JS layer stores the function id and argument/result
//! addresses there); they are owned by whoever owns the slot, and handed over
//! by the Release/Acquire on the state word.

use core::sync::atomic::{AtomicU32, Ordering::*};

/// The states of a slot (the low byte of the state word).
pub(crate) mod state {
    /// On the free ring.
    pub(crate) const FREE: u32 = 0;
    /// Taken by the main thread, being filled in.
    pub(crate) const RESERVED: u32 = 1;
    /// Published on the injector ring, waiting for a worker.
    pub(crate) const QUEUED: u32 = 2;
    /// Claimed by the worker in the word's top byte.
    pub(crate) const RUNNING: u32 = 3;
    /// Finished (successfully or not); the result words are valid.
    pub(crate) const DONE: u32 = 4;
    /// Cancelled before any worker claimed it.
    pub(crate) const CANCELLED: u32 = 5;
}

/// The state word: `worker << WORKER_SHIFT | generation << GENERATION_SHIFT | state`.
/// The state is its low byte.
pub(crate) const STATE_MASK: u32 = 0xff;
pub(crate) const GENERATION_SHIFT: u32 = 8;
/// Generations count modulo 2^15 (so a [`TaskId`] stays a non-negative `i32`).
pub(crate) const GENERATION_MASK: u32 = 0x7fff;
/// The claiming worker's index is the state word's top byte.
pub(crate) const WORKER_SHIFT: u32 = 24;
/// The bits of the state word that name a task in a state: generation and
/// state, without the worker.
const TASK_STATE_MASK: u32 = (1 << WORKER_SHIFT) - 1;
/// The generation field of the state word, in place.
const GENERATION_BITS: u32 = TASK_STATE_MASK & !STATE_MASK;

/// Most workers a slot word can name.
pub(crate) const MAX_WORKERS: u32 = 1 << (u32::BITS - WORKER_SHIFT);

/// A [`TaskId`] is `generation << TASK_GENERATION_SHIFT | slot`.
pub(crate) const TASK_SLOT_MASK: u32 = 0xffff;
pub(crate) const TASK_GENERATION_SHIFT: u32 = 16;
/// Most slots a pool can have: as many as a [`TaskId`] can name.
pub(crate) const MAX_SLOTS: u32 = TASK_SLOT_MASK + 1;

/// Number of opaque payload words per slot.
pub(crate) const PAYLOAD_WORDS: usize = 12;

// The fields of the state word do not overlap, and a task id is never
// negative as an `i32` (negative values are status codes at the JS boundary).
const _: () = assert!(STATE_MASK < 1 << GENERATION_SHIFT);
const _: () = assert!((GENERATION_MASK << GENERATION_SHIFT) >> WORKER_SHIFT == 0);
const _: () = assert!((GENERATION_MASK << TASK_GENERATION_SHIFT | TASK_SLOT_MASK) <= i32::MAX as u32);
const _: () = assert!(MAX_SLOTS == 1 << TASK_GENERATION_SHIFT);

/// A slot index together with the generation it was published at.
/// Packed as `generation << 16 | slot` with a 15-bit generation, so an id is
/// always a non-negative `i32` when it crosses to JS (negative values are free
/// for status codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TaskId(pub(crate) u32);

impl TaskId {
    pub(crate) fn new(slot: u32, generation: u32) -> TaskId {
        debug_assert!(slot < MAX_SLOTS);
        TaskId((generation & GENERATION_MASK) << TASK_GENERATION_SHIFT | slot)
    }
    pub(crate) fn slot(self) -> u32 {
        self.0 & TASK_SLOT_MASK
    }
    pub(crate) fn generation(self) -> u32 {
        self.0 >> TASK_GENERATION_SHIFT
    }
    fn word(self, st: u32, worker: u32) -> u32 {
        (worker & (MAX_WORKERS - 1)) << WORKER_SHIFT | self.generation() << GENERATION_SHIFT | st
    }
}

/// One task's record. `repr(C)` because JS reads it in place at the offsets
/// in [`layout`].
#[repr(C)]
pub(crate) struct Slot {
    state: AtomicU32,
    /// Spare word (keeps the payload 8-byte aligned).
    _reserved: AtomicU32,
    /// Opaque to the core: see the JS layer for their meaning.
    pub(crate) payload: [AtomicU32; PAYLOAD_WORDS],
}

/// Byte offsets JS uses to read a slot in place (collected for JS by `crate::layout`).
pub(crate) mod layout {
    use super::Slot;
    use core::mem::{offset_of, size_of};

    pub(crate) const SLOT_BYTES: u32 = size_of::<Slot>() as u32;
    pub(crate) const STATE: u32 = offset_of!(Slot, state) as u32;
    pub(crate) const PAYLOAD: u32 = offset_of!(Slot, payload) as u32;

    const _: () = assert!(PAYLOAD % 8 == 0, "the payload is 8-byte aligned in a slot");
    const _: () = assert!(SLOT_BYTES % 8 == 0, "so it stays 8-byte aligned in every slot");
}

impl Default for Slot {
    fn default() -> Self {
        Slot { state: AtomicU32::new(0), _reserved: AtomicU32::new(0), payload: Default::default() }
    }
}

impl Slot {
    fn load(&self) -> u32 {
        self.state.load(Acquire)
    }
    pub(crate) fn generation(&self) -> u32 {
        (self.load() >> GENERATION_SHIFT) & GENERATION_MASK
    }
    #[cfg(test)]
    pub(crate) fn state(&self) -> u32 {
        self.load() & STATE_MASK
    }
    /// The id this slot would be published under now.
    pub(crate) fn id(&self, slot: u32) -> TaskId {
        TaskId::new(slot, self.generation())
    }
    /// The worker that claimed the current task (meaningful while RUNNING/DONE).
    pub(crate) fn worker(&self) -> u32 {
        self.load() >> WORKER_SHIFT
    }

    fn cas(&self, from: u32, to: u32) -> bool {
        self.state.compare_exchange(from, to, AcqRel, Acquire).is_ok()
    }

    /// FREE → RESERVED (the caller popped this slot from the free ring).
    pub(crate) fn reserve(&self, slot: u32) -> TaskId {
        let id = self.id(slot);
        let ok = self.cas(id.word(state::FREE, 0), id.word(state::RESERVED, 0));
        assert!(ok, "slot {slot} reserved while not free");
        id
    }
    /// RESERVED → QUEUED; the payload written before is published with it.
    /// False if `id` is not RESERVED (a stale or made-up id: nothing changes).
    #[must_use]
    pub(crate) fn publish(&self, id: TaskId) -> bool {
        self.cas(id.word(state::RESERVED, 0), id.word(state::QUEUED, 0))
    }
    /// QUEUED → RUNNING on `worker`. False: cancelled or stale.
    pub(crate) fn claim(&self, id: TaskId, worker: u32) -> bool {
        debug_assert!(worker < MAX_WORKERS);
        self.cas(id.word(state::QUEUED, 0), id.word(state::RUNNING, worker))
    }
    /// RUNNING on `worker` → DONE; the result payload written before is
    /// published with it. False if it was abandoned meanwhile.
    pub(crate) fn finish_by(&self, id: TaskId, worker: u32) -> bool {
        self.cas(id.word(state::RUNNING, worker), id.word(state::DONE, worker))
    }
    /// RUNNING (on whichever worker) → DONE, for the page settling a dead
    /// worker's task.
    pub(crate) fn finish(&self, id: TaskId) -> bool {
        let w = self.load();
        w & TASK_STATE_MASK == id.word(state::RUNNING, 0) && self.cas(w, (w & !STATE_MASK) | state::DONE)
    }
    /// QUEUED → CANCELLED. False once a worker has claimed it.
    pub(crate) fn cancel(&self, id: TaskId) -> bool {
        self.cas(id.word(state::QUEUED, 0), id.word(state::CANCELLED, 0))
    }
    /// DONE/CANCELLED → FREE at the next generation.
    pub(crate) fn release(&self, id: TaskId) -> bool {
        let w = self.load();
        let st = w & STATE_MASK;
        let matches = w & GENERATION_BITS == id.word(0, 0) && (st == state::DONE || st == state::CANCELLED);
        let next = TaskId::new(id.slot(), id.generation().wrapping_add(1));
        matches && self.cas(w, next.word(state::FREE, 0))
    }
    /// Whether `id` is still this slot's current task in `st`.
    pub(crate) fn is(&self, id: TaskId, st: u32) -> bool {
        self.load() & TASK_STATE_MASK == id.word(st, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn life_cycle_and_generations() {
        let s = Slot::default();
        let id = s.reserve(7);
        assert_eq!(id.slot(), 7);
        assert!(s.publish(id));
        assert!(!s.publish(id), "published twice: refused");
        assert!(s.claim(id, 1));
        assert_eq!(s.worker(), 1);
        assert!(s.is(id, state::RUNNING));
        assert!(!s.cancel(id), "running tasks cannot be cancelled");
        assert!(!s.finish_by(id, 2), "only the claiming worker finishes it");
        assert!(s.finish_by(id, 1));
        assert_eq!(s.worker(), 1);
        assert!(s.release(id));
        // The old id no longer matches anything.
        assert!(!s.claim(id, 2));
        assert!(!s.release(id));
        let id2 = s.reserve(7);
        assert_ne!(id, id2);
        assert!(s.publish(id2));
        assert!(s.cancel(id2));
        assert!(!s.claim(id2, 0), "cancelled tasks are never claimed");
        assert!(s.release(id2));
        let id3 = s.reserve(7);
        assert!(s.publish(id3));
        assert!(s.claim(id3, 255));
        assert!(s.finish(id3), "the page settles a dead worker's task");
        assert!(!s.finish_by(id3, 255), "then the worker cannot");
        assert!(s.release(id3));
    }

    #[test]
    fn generation_wraps() {
        let s = Slot::default();
        for _ in 0..70_000 {
            let id = s.reserve(0);
            assert!(s.publish(id));
            assert!(s.cancel(id));
            assert!(s.release(id));
        }
    }

    #[test]
    fn layout_is_what_js_reads() {
        assert_eq!(layout::SLOT_BYTES, 8 + 4 * PAYLOAD_WORDS as u32);
    }
}
