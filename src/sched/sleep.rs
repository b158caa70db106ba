//! How idle workers sleep and how producers wake them (invariant 5 of the
//! module README).

use super::futex;
use core::sync::atomic::{fence, AtomicU32, Ordering::*};

#[repr(C)]
#[derive(Default)]
pub(crate) struct Sleep {
    /// Workers between "announce" and "done sleeping".
    sleepers: AtomicU32,
    /// Idle workers spinning on the injector before they sleep: while one
    /// is, a producer need not wake anybody (invariant 5).
    spinning: AtomicU32,
    /// Bumped on every wake-up; sleepers wait on it.
    jobs_event: AtomicU32,
}

/// Byte offset of the jobs event in [`Sleep`] (for `POOL_JOBS_EVENT`).
pub(crate) const JOBS_EVENT: u32 = core::mem::offset_of!(Sleep, jobs_event) as u32;

/// A worker counted as spinning (see [`Sleep::spin`]).
pub(crate) struct Spinning<'a>(&'a Sleep);

impl Drop for Spinning<'_> {
    fn drop(&mut self) {
        self.0.spinning.fetch_sub(1, SeqCst);
    }
}

/// A worker's ticket between announcing it will sleep and sleeping.
pub(crate) struct Drowsy<'a> {
    sleep: &'a Sleep,
    event: u32,
}

impl Sleep {
    /// Step 1 of going to sleep: read the event, then count ourselves as a
    /// sleeper. The caller must re-check for work (and shutdown) afterwards,
    /// then call [`Drowsy::sleep`] or drop the ticket.
    pub(crate) fn announce(&self) -> Drowsy<'_> {
        let event = self.jobs_event.load(SeqCst);
        self.sleepers.fetch_add(1, SeqCst);
        fence(SeqCst);
        Drowsy { sleep: self, event }
    }

    /// Step 1 of a cold sleep, whose waiting happens outside Rust (the JS
    /// worker's `Atomics.waitAsync`, module README "Idle workers"): as
    /// [`Sleep::announce`], but the caller read the event itself (SeqCst), as
    /// `seen`, before this call, since it must wait on exactly that value.
    pub(crate) fn announce_seen(&self, seen: u32) -> Drowsy<'_> {
        self.sleepers.fetch_add(1, SeqCst);
        fence(SeqCst);
        Drowsy { sleep: self, event: seen }
    }

    /// The end of a cold sleep handed over by [`Drowsy::hand_over`]: the
    /// worker woke (or gave up waiting) and no longer counts as a sleeper.
    pub(crate) fn end_cold(&self) {
        self.sleepers.fetch_sub(1, SeqCst);
    }

    /// The word sleepers wait on (its address is `POOL_JOBS_EVENT` for JS).
    #[cfg(test)]
    pub(crate) fn jobs_event(&self) -> &AtomicU32 {
        &self.jobs_event
    }

    /// Counts the caller as spinning until the guard is dropped. The caller
    /// must look at the injector again after the drop, before it sleeps (the
    /// announce/re-check of a sleep does).
    pub(crate) fn spin(&self) -> Spinning<'_> {
        self.spinning.fetch_add(1, SeqCst);
        Spinning(self)
    }

    /// Called by a producer after it made work available. A spinning worker
    /// will see the work; otherwise one sleeper is woken.
    pub(crate) fn wake_one(&self) {
        fence(SeqCst);
        if self.spinning.load(SeqCst) > 0 {
            return;
        }
        if self.sleepers.load(SeqCst) > 0 {
            self.jobs_event.fetch_add(1, SeqCst);
            futex::wake(&self.jobs_event, 1);
        }
    }

    /// Wakes every sleeper (shutdown, kill).
    pub(crate) fn wake_all(&self) {
        self.jobs_event.fetch_add(1, SeqCst);
        futex::wake(&self.jobs_event, u32::MAX);
    }
}

impl Drowsy<'_> {
    /// Step 2: block until woken (or `timeout_ms`, as a safety net).
    pub(crate) fn sleep(self, timeout_ms: Option<u32>) {
        futex::wait(&self.sleep.jobs_event, self.event, timeout_ms);
    }
}

impl Drowsy<'_> {
    /// Step 2 of a cold sleep: the caller keeps counting as a sleeper after
    /// the ticket is gone, waits outside Rust while the event equals the
    /// value it announced, then calls [`Sleep::end_cold`] exactly once.
    pub(crate) fn hand_over(self) {
        core::mem::forget(self);
    }
}

impl Drop for Drowsy<'_> {
    fn drop(&mut self) {
        self.sleep.sleepers.fetch_sub(1, SeqCst);
    }
}
