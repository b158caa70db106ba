//! A task's record in shared memory and its state machine.
//!
//! The state word packs `worker << 24 | generation << 8 | state`. Slots are
//! recycled, and a [`TaskId`] names a slot *at one generation*, so every
//! transition is a CAS against the full word: an id whose slot has since been
//! recycled simply fails to match. The claiming worker's index is part of the
//! same word, so "RUNNING on worker w" is one atomic fact (never a running
//! state with a stale worker next to it). The payload words are opaque to
//! the core (the JS layer stores the function id and argument/result
//! addresses there); they are owned by whoever owns the slot, and handed over
//! by the Release/Acquire on the state word.

use core::sync::atomic::{AtomicU32, Ordering::*};

/// The states of a slot (low 8 bits of the state word).
pub mod state {
    /// On the free ring.
    pub const FREE: u32 = 0;
    /// Taken by the main thread, being filled in.
    pub const RESERVED: u32 = 1;
    /// Published on the injector ring, waiting for a worker.
    pub const QUEUED: u32 = 2;
    /// Claimed by the worker in the word's top byte.
    pub const RUNNING: u32 = 3;
    /// Finished (successfully or not); the result words are valid.
    pub const DONE: u32 = 4;
    /// Cancelled before any worker claimed it.
    pub const CANCELLED: u32 = 5;
}

/// Generations count modulo 2^15.
pub const GENERATION_MASK: u32 = 0x7fff;

/// Most workers a slot word can name.
pub const MAX_WORKERS: u32 = 256;

/// Number of opaque payload words per slot.
pub const PAYLOAD_WORDS: usize = 12;

/// A slot index together with the generation it was published at.
/// Packed as `generation << 16 | slot` with a 15-bit generation, so an id is
/// always a non-negative `i32` when it crosses to JS (negative values are free
/// for status codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskId(pub u32);

impl TaskId {
    pub const MAX_SLOTS: u32 = 1 << 16;

    pub fn new(slot: u32, generation: u32) -> TaskId {
        debug_assert!(slot < Self::MAX_SLOTS);
        TaskId((generation & GENERATION_MASK) << 16 | slot)
    }
    pub fn slot(self) -> u32 {
        self.0 & 0xffff
    }
    pub fn generation(self) -> u32 {
        self.0 >> 16
    }
    fn word(self, st: u32, worker: u32) -> u32 {
        (worker & 0xff) << 24 | self.generation() << 8 | st
    }
}

/// One task's record. `repr(C)` because JS reads it in place at the offsets
/// in [`layout`].
#[repr(C)]
pub struct Slot {
    state: AtomicU32,
    /// Spare word (keeps the payload 8-byte aligned).
    _reserved: AtomicU32,
    /// Opaque to the core: see the JS layer for their meaning.
    pub payload: [AtomicU32; PAYLOAD_WORDS],
}

/// Byte offsets JS uses to read a slot in place.
pub mod layout {
    pub const SLOT_BYTES: u32 = core::mem::size_of::<super::Slot>() as u32;
    pub const STATE: u32 = 0;
    /// The worker index is the state word's top byte.
    pub const WORKER: u32 = 3;
    pub const PAYLOAD: u32 = 8;
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
    pub fn generation(&self) -> u32 {
        (self.load() >> 8) & GENERATION_MASK
    }
    pub fn state(&self) -> u32 {
        self.load() & 0xff
    }
    /// The id this slot would be published under now.
    pub fn id(&self, slot: u32) -> TaskId {
        TaskId::new(slot, self.generation())
    }
    /// The worker that claimed the current task (meaningful while RUNNING/DONE).
    pub fn worker(&self) -> u32 {
        self.load() >> 24
    }

    fn cas(&self, from: u32, to: u32) -> bool {
        self.state.compare_exchange(from, to, AcqRel, Acquire).is_ok()
    }

    /// FREE → RESERVED (the caller popped this slot from the free ring).
    pub fn reserve(&self, slot: u32) -> TaskId {
        let id = self.id(slot);
        let ok = self.cas(id.word(state::FREE, 0), id.word(state::RESERVED, 0));
        assert!(ok, "slot {slot} reserved while not free");
        id
    }
    /// RESERVED → QUEUED; the payload written before is published with it.
    pub fn publish(&self, id: TaskId) {
        let ok = self.cas(id.word(state::RESERVED, 0), id.word(state::QUEUED, 0));
        assert!(ok, "task {id:?} published while not reserved");
    }
    /// QUEUED → RUNNING on `worker`. False: cancelled or stale.
    pub fn claim(&self, id: TaskId, worker: u32) -> bool {
        debug_assert!(worker < MAX_WORKERS);
        self.cas(id.word(state::QUEUED, 0), id.word(state::RUNNING, worker))
    }
    /// RUNNING on `worker` → DONE; the result payload written before is
    /// published with it. False if it was abandoned meanwhile.
    pub fn finish_by(&self, id: TaskId, worker: u32) -> bool {
        self.cas(id.word(state::RUNNING, worker), id.word(state::DONE, worker))
    }
    /// RUNNING (on whichever worker) → DONE, for the page settling a dead
    /// worker's task.
    pub fn finish(&self, id: TaskId) -> bool {
        let w = self.load();
        w & 0x00ff_ffff == id.word(state::RUNNING, 0) && self.cas(w, (w & !0xff) | state::DONE)
    }
    /// QUEUED → CANCELLED. False once a worker has claimed it.
    pub fn cancel(&self, id: TaskId) -> bool {
        self.cas(id.word(state::QUEUED, 0), id.word(state::CANCELLED, 0))
    }
    /// DONE/CANCELLED → FREE at the next generation.
    pub fn release(&self, id: TaskId) -> bool {
        let w = self.load();
        let st = w & 0xff;
        let matches = w & 0x00ff_ff00 == id.word(0, 0) && (st == state::DONE || st == state::CANCELLED);
        let next = TaskId::new(id.slot(), id.generation().wrapping_add(1));
        matches && self.cas(w, next.word(state::FREE, 0))
    }
    /// Whether `id` is still this slot's current task in `st`.
    pub fn is(&self, id: TaskId, st: u32) -> bool {
        self.load() & 0x00ff_ffff == id.word(st, 0)
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
        s.publish(id);
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
        s.publish(id2);
        assert!(s.cancel(id2));
        assert!(!s.claim(id2, 0), "cancelled tasks are never claimed");
        assert!(s.release(id2));
        let id3 = s.reserve(7);
        s.publish(id3);
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
            s.publish(id);
            assert!(s.cancel(id));
            assert!(s.release(id));
        }
    }

    #[test]
    fn layout_is_what_js_reads() {
        assert_eq!(layout::SLOT_BYTES, 8 + 4 * PAYLOAD_WORDS as u32);
    }
}
