//! How idle workers sleep and how producers wake them (invariant 5 of the
//! module README).

use super::futex;
use core::sync::atomic::{fence, AtomicU32, Ordering::*};

#[repr(C)]
#[derive(Default)]
pub(crate) struct Sleep {
    /// Workers between "announce" and "done sleeping".
    sleepers: AtomicU32,
    /// Bumped on every wake-up; sleepers wait on it.
    jobs_event: AtomicU32,
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

    /// Called by a producer after it made work available.
    pub(crate) fn wake_one(&self) {
        fence(SeqCst);
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

impl Drop for Drowsy<'_> {
    fn drop(&mut self) {
        self.sleep.sleepers.fetch_sub(1, SeqCst);
    }
}
