//! A registry in a `static`: a list of entries shared by every thread of the
//! module (the page and the workers), behind a spin lock.
//!
//! A spin lock because the page's main thread must never block on a futex
//! (`memory.atomic.wait32` traps there); every critical section is a short
//! scan, a push or a removal.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering::*};

pub(crate) struct Registry<T> {
    locked: AtomicBool,
    entries: UnsafeCell<Vec<T>>,
}

// SAFETY: the entries are reached only through `with`, under the lock, so
// sharing the registry hands each entry to one thread at a time.
unsafe impl<T: Send> Sync for Registry<T> {}

/// Releases the lock when dropped (also if the closure under it unwinds).
struct Unlock<'a>(&'a AtomicBool);

impl Drop for Unlock<'_> {
    fn drop(&mut self) {
        self.0.store(false, Release);
    }
}

impl<T> Registry<T> {
    pub(crate) const fn new() -> Registry<T> {
        Registry { locked: AtomicBool::new(false), entries: UnsafeCell::new(Vec::new()) }
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Vec<T>) -> R) -> R {
        while self.locked.compare_exchange_weak(false, true, Acquire, Relaxed).is_err() {
            core::hint::spin_loop();
        }
        let _unlock = Unlock(&self.locked);
        // SAFETY: the spin lock gives exclusive access.
        f(unsafe { &mut *self.entries.get() })
    }

    pub(crate) fn push(&self, entry: T) {
        self.with(|entries| entries.push(entry));
    }

    /// Puts `entry` in place of the first entry it `replaces`, or adds it:
    /// an entry keeps its position (its index) for good.
    pub(crate) fn replace(&self, entry: T, replaces: impl Fn(&T) -> bool) {
        self.with(|entries| match entries.iter_mut().find(|e| replaces(e)) {
            Some(e) => *e = entry,
            None => entries.push(entry),
        });
    }

    /// The position of the first entry `pick` matches.
    pub(crate) fn position(&self, pick: impl Fn(&T) -> bool) -> Option<usize> {
        self.with(|entries| entries.iter().position(pick))
    }

    /// What `f` makes of the entry at `index`, if there is one.
    pub(crate) fn at<R>(&self, index: usize, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.with(|entries| entries.get(index).map(f))
    }

    /// Removes and returns the first entry `pick` matches.
    pub(crate) fn take(&self, pick: impl Fn(&T) -> bool) -> Option<T> {
        self.with(|entries| entries.iter().position(pick).map(|i| entries.swap_remove(i)))
    }
}
