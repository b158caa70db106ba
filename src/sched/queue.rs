//! A bounded multi-producer multi-consumer ring of `u32`s.
//!
//! Dmitry Vyukov's bounded MPMC queue: every cell carries a sequence number
//! that says whose turn it is (a producer's at lap `pos`, a consumer's at
//! `pos + 1`). Producers and consumers each race on one counter with a CAS and
//! then own their cell exclusively, so a push or pop never waits on another
//! thread: when it is not its turn it reports `Full`/empty instead.
//!
//! The one window in which a thread can stall others is between winning the
//! counter CAS and publishing the cell's sequence: that is why workers enter
//! ring operations only inside their `critical` bracket (see the module README).

use core::sync::atomic::{AtomicU32, Ordering::*};

/// Pads a counter to its own cache line so producers and consumers do not
/// false-share.
#[repr(C, align(64))]
struct Padded(AtomicU32);

#[repr(C)]
struct Cell {
    seq: AtomicU32,
    value: AtomicU32,
}

/// Bounded MPMC ring of `u32` values. Capacity is a power of two.
#[repr(C)]
pub(crate) struct Ring {
    head: Padded,
    tail: Padded,
    mask: u32,
    cells: Box<[Cell]>,
}

/// The ring had no free cell; the value is handed back.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Full(pub(crate) u32);

impl Ring {
    /// A ring holding at least `capacity` values (rounded up to a power of two).
    pub(crate) fn with_capacity(capacity: u32) -> Ring {
        let cap = capacity.max(2).next_power_of_two();
        assert!(cap <= 1 << 30, "ring capacity too large");
        let cells = (0..cap).map(|i| Cell { seq: AtomicU32::new(i), value: AtomicU32::new(0) }).collect();
        Ring { head: Padded(AtomicU32::new(0)), tail: Padded(AtomicU32::new(0)), mask: cap - 1, cells }
    }

    #[cfg(test)]
    pub(crate) fn capacity(&self) -> u32 {
        self.mask + 1
    }

    pub(crate) fn push(&self, value: u32) -> Result<(), Full> {
        let mut pos = self.tail.0.load(Relaxed);
        loop {
            let cell = &self.cells[(pos & self.mask) as usize];
            let seq = cell.seq.load(Acquire);
            // Positions wrap at 2^32; the signed difference stays meaningful
            // because the capacity is far below 2^31.
            let dif = seq.wrapping_sub(pos) as i32;
            if dif == 0 {
                match self.tail.0.compare_exchange_weak(pos, pos.wrapping_add(1), Relaxed, Relaxed) {
                    Ok(_) => {
                        cell.value.store(value, Relaxed);
                        cell.seq.store(pos.wrapping_add(1), Release);
                        return Ok(());
                    }
                    Err(actual) => pos = actual,
                }
            } else if dif < 0 {
                return Err(Full(value));
            } else {
                pos = self.tail.0.load(Relaxed);
            }
        }
    }

    /// Pushes a value the caller knows fits (the ring holds more cells than
    /// there can be values in it). A push can still find its cell busy for
    /// an instant: Vyukov's pop advances `head` before it frees the cell, so
    /// a consumer caught between the two holds one cell. That window is a
    /// few instructions (and never spans a kill: module README invariant 4),
    /// so spinning through it is bounded.
    pub(crate) fn push_fitting(&self, value: u32) {
        let mut value = value;
        let mut spins = 0u32;
        while let Err(Full(back)) = self.push(value) {
            value = back;
            spins += 1;
            assert!(spins < 1 << 30, "ring full: more values than cells (a broken invariant)");
            core::hint::spin_loop();
        }
    }

    pub(crate) fn pop(&self) -> Option<u32> {
        let mut pos = self.head.0.load(Relaxed);
        loop {
            let cell = &self.cells[(pos & self.mask) as usize];
            let seq = cell.seq.load(Acquire);
            let dif = seq.wrapping_sub(pos.wrapping_add(1)) as i32;
            if dif == 0 {
                match self.head.0.compare_exchange_weak(pos, pos.wrapping_add(1), Relaxed, Relaxed) {
                    Ok(_) => {
                        let value = cell.value.load(Relaxed);
                        cell.seq.store(pos.wrapping_add(self.mask).wrapping_add(1), Release);
                        return Some(value);
                    }
                    Err(actual) => pos = actual,
                }
            } else if dif < 0 {
                return None;
            } else {
                pos = self.head.0.load(Relaxed);
            }
        }
    }

    /// Whether a pop could find something (or a push is half-way through).
    /// Used by sleepers to re-check after announcing themselves.
    pub(crate) fn looks_empty(&self) -> bool {
        self.head.0.load(SeqCst) == self.tail.0.load(SeqCst)
    }

    /// Number of values pushed and not yet popped (a snapshot).
    pub(crate) fn len(&self) -> u32 {
        self.tail.0.load(SeqCst).wrapping_sub(self.head.0.load(SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Arc;

    #[test]
    fn fifo_and_full() {
        let r = Ring::with_capacity(4);
        assert_eq!(r.capacity(), 4);
        for i in 0..4 {
            r.push(i).unwrap();
        }
        assert_eq!(r.push(9), Err(Full(9)));
        assert_eq!(r.len(), 4);
        for i in 0..4 {
            assert_eq!(r.pop(), Some(i));
        }
        assert_eq!(r.pop(), None);
        assert!(r.looks_empty());
    }

    #[test]
    fn wraps_many_laps() {
        let r = Ring::with_capacity(2);
        for i in 0..100_000u32 {
            r.push(i).unwrap();
            assert_eq!(r.pop(), Some(i));
        }
    }

    /// Many producers and consumers: every value comes out exactly once.
    #[test]
    fn mpmc_exactly_once() {
        const PRODUCERS: u32 = 4;
        const PER: u32 = 50_000;
        let r = Arc::new(Ring::with_capacity(64));
        let consumed = Arc::new(std::sync::Mutex::new(Vec::new()));
        let done = Arc::new(AtomicU32::new(0));
        let mut hs = vec![];
        for p in 0..PRODUCERS {
            let r = r.clone();
            let done = done.clone();
            hs.push(std::thread::spawn(move || {
                for i in 0..PER {
                    let mut v = p * PER + i;
                    while let Err(Full(back)) = r.push(v) {
                        v = back;
                        std::hint::spin_loop();
                    }
                }
                done.fetch_add(1, SeqCst);
            }));
        }
        for _ in 0..3 {
            let r = r.clone();
            let done = done.clone();
            let consumed = consumed.clone();
            hs.push(std::thread::spawn(move || {
                let mut mine = vec![];
                loop {
                    match r.pop() {
                        Some(v) => mine.push(v),
                        None if done.load(SeqCst) == PRODUCERS && r.looks_empty() => break,
                        None => std::hint::spin_loop(),
                    }
                }
                consumed.lock().unwrap().extend(mine);
            }));
        }
        for h in hs {
            h.join().unwrap();
        }
        let all = consumed.lock().unwrap();
        assert_eq!(all.len() as u32, PRODUCERS * PER);
        let set: HashSet<_> = all.iter().collect();
        assert_eq!(set.len() as u32, PRODUCERS * PER);
    }
}
