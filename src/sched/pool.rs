//! The control block shared by the main thread and the workers of one pool.

use super::futex;
use super::queue::Ring;
use super::sleep::Sleep;
use super::task::{state, Slot, TaskId, MAX_SLOTS, MAX_WORKERS};
use super::worker::{status, Critical, Killed, WorkerRecord, NO_TASK};
use core::sync::atomic::{AtomicU32, Ordering::*};

/// How long an idle worker spins before it sleeps, in rounds of 8 pause
/// hints and a queue check, until the page calibrates it for its engine
/// (`set_spin_rounds`; src/js/page/memory/spin.js). wasm has no pause instruction,
/// so a round there is only the loads, and its speed differs per engine.
/// 20,000 rounds outlast the gap before a page's next `await`ed submit,
/// where fewer let the round trip's p50 wander between runs (bench/NOTES.md,
/// "Idle spin"). Natively a pause is tens of cycles, so the tests' workers
/// spin a similar time with fewer rounds.
#[cfg(target_arch = "wasm32")]
const SPIN_ROUNDS: u32 = 20_000;
#[cfg(not(target_arch = "wasm32"))]
const SPIN_ROUNDS: u32 = 3_000;

/// Values of `Shared::shutdown`.
pub(crate) mod shutdown {
    pub(crate) const RUNNING: u32 = 0;
    /// Finish what is queued, then exit.
    pub(crate) const DRAIN: u32 = 1;
    /// Exit before claiming anything else.
    pub(crate) const NOW: u32 = 2;
}

/// What a worker gets when it asks for work.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    Task(TaskId),
    /// Nothing queued right now (non-blocking asks only).
    Empty,
    /// The pool is shutting down and this worker should exit.
    Exit,
    /// This worker is being killed; it must stop touching shared state.
    Killed,
    /// [`Shared::begin_cold_sleep`] only: the worker now counts as a sleeper;
    /// it must wait on the jobs event while it equals the value it passed,
    /// then call [`Shared::end_cold_sleep`].
    Sleep,
}

impl Next {
    /// The codes `wp_worker_next`/`wp_worker_try_next` return instead of a
    /// task id (ids are never negative).
    pub(crate) const EXIT_CODE: i32 = -1;
    pub(crate) const KILLED_CODE: i32 = -2;
    pub(crate) const EMPTY_CODE: i32 = -3;
    pub(crate) const SLEEP_CODE: i32 = -4;

    /// As one `i32` for JS: the task id, or one of the codes above.
    pub(crate) fn code(&self) -> i32 {
        match self {
            // A task id is never negative as an i32 (see `TaskId`).
            Next::Task(id) => id.0 as i32,
            Next::Exit => Next::EXIT_CODE,
            Next::Killed => Next::KILLED_CODE,
            Next::Empty => Next::EMPTY_CODE,
            Next::Sleep => Next::SLEEP_CODE,
        }
    }
}

/// Outcome of [`Shared::complete`]; the discriminant is what
/// `wp_worker_complete` returns to JS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Completed {
    No = 0,
    Yes = 1,
    /// Completed, and the main thread had announced it was waiting (it was
    /// notified; the caller may need to wake it by other means too).
    YesMainWasWaiting = 2,
}

/// The words JS touches directly come first, at fixed offsets (`layout`).
#[repr(C)]
pub(crate) struct Shared {
    /// Bumped after every completion; the main thread `waitAsync`s on it.
    completion_event: AtomicU32,
    /// 1 while the main thread is (about to be) waiting on `completion_event`.
    main_waiting: AtomicU32,
    /// One of [`shutdown`].
    shutdown: AtomicU32,
    sleep: Sleep,
    slots: Box<[Slot]>,
    free: Ring,
    injector: Ring,
    completions: Ring,
    workers: Box<[WorkerRecord]>,
    /// Rounds an idle worker spins before it sleeps (see [`SPIN_ROUNDS`]).
    spin_rounds: AtomicU32,
}

/// Byte offsets of the directly-read words of [`Shared`] (collected for JS
/// by `crate::layout`).
pub(crate) mod layout {
    use super::Shared;
    use core::mem::offset_of;

    pub(crate) const COMPLETION_EVENT: u32 = offset_of!(Shared, completion_event) as u32;
    pub(crate) const MAIN_WAITING: u32 = offset_of!(Shared, main_waiting) as u32;
    pub(crate) const SHUTDOWN: u32 = offset_of!(Shared, shutdown) as u32;
    /// The word idle workers sleep on; a cold worker waits on it from JS.
    pub(crate) const JOBS_EVENT: u32 = (offset_of!(Shared, sleep) as u32) + super::super::sleep::JOBS_EVENT;

    // The JS-read words stay the first three, whatever follows them.
    const _: () = assert!(COMPLETION_EVENT == 0 && MAIN_WAITING == 4 && SHUTDOWN == 8);
}

impl Shared {
    pub(crate) fn new(slots: u32, max_workers: u32) -> Shared {
        assert!((1..=MAX_SLOTS).contains(&slots), "slot count out of range");
        assert!(max_workers <= MAX_WORKERS, "at most {MAX_WORKERS} workers");
        // Twice as many cells as values: a push never waits on a consumer
        // that is between its two steps (see Ring::push_fitting).
        let free = Ring::with_capacity(2 * slots);
        for i in 0..slots {
            free.push(i).expect("free ring sized to the slot count");
        }
        Shared {
            completion_event: AtomicU32::new(0),
            main_waiting: AtomicU32::new(0),
            shutdown: AtomicU32::new(shutdown::RUNNING),
            sleep: Sleep::default(),
            slots: (0..slots).map(|_| Slot::default()).collect(),
            free,
            injector: Ring::with_capacity(2 * slots),
            completions: Ring::with_capacity(2 * slots),
            workers: (0..max_workers).map(|_| WorkerRecord::default()).collect(),
            spin_rounds: AtomicU32::new(SPIN_ROUNDS),
        }
    }

    fn slot_count(&self) -> u32 {
        self.slots.len() as u32
    }
    /// Whether `id` names one of this pool's slots (any generation).
    pub(crate) fn has_slot(&self, id: TaskId) -> bool {
        id.slot() < self.slot_count()
    }
    pub(crate) fn worker_count(&self) -> u32 {
        self.workers.len() as u32
    }
    pub(crate) fn slot(&self, index: u32) -> &Slot {
        &self.slots[index as usize]
    }
    pub(crate) fn slots_ptr(&self) -> *const Slot {
        self.slots.as_ptr()
    }
    pub(crate) fn worker(&self, index: u32) -> &WorkerRecord {
        &self.workers[index as usize]
    }
    pub(crate) fn queued(&self) -> u32 {
        self.injector.len()
    }

    // ---- main thread (the submitter) ----

    /// Takes a free slot, or None when all are in use (the caller keeps a
    /// backlog and retries after completions).
    pub(crate) fn reserve(&self) -> Option<TaskId> {
        let index = self.free.pop()?;
        Some(self.slot(index).reserve(index))
    }

    /// Publishes a reserved task (its payload already written) and wakes a
    /// worker. False, and nothing published, if `id` is not RESERVED.
    pub(crate) fn publish(&self, id: TaskId) -> bool {
        if !self.slot(id.slot()).publish(id) {
            return false;
        }
        // Cannot be full: invariant 2 (one queued id per slot at most).
        self.injector.push_fitting(id.0);
        self.sleep.wake_one();
        true
    }

    /// Cancels a task no worker has claimed. True if it is now CANCELLED.
    pub(crate) fn cancel(&self, id: TaskId) -> bool {
        self.slot(id.slot()).cancel(id)
    }

    /// Next finished task, if any.
    pub(crate) fn pop_completion(&self) -> Option<TaskId> {
        self.completions.pop().map(TaskId)
    }

    /// Gives a DONE slot back after its result was read.
    pub(crate) fn release(&self, id: TaskId) -> bool {
        let slot = self.slot(id.slot());
        if slot.release(id) {
            self.free.push_fitting(id.slot());
            true
        } else {
            false
        }
    }

    /// Settles the tasks of a worker that died (invariant 7): every task
    /// still RUNNING on it becomes DONE, and is returned so the caller writes
    /// a failure result. (A worker may run several async tasks at once, so
    /// this scans the slots rather than trusting `current` alone.)
    pub(crate) fn abandon(&self, worker: u32) -> Vec<TaskId> {
        let rec = self.worker(worker);
        rec.current.store(NO_TASK, SeqCst);
        rec.status.store(status::EXITED, SeqCst);
        let mut settled = Vec::new();
        for index in 0..self.slot_count() {
            let slot = self.slot(index);
            let id = slot.id(index);
            if slot.is(id, state::RUNNING) && slot.worker() == worker && slot.finish(id) {
                settled.push(id);
            }
        }
        settled
    }

    /// Asks workers to exit (after draining, or now) and wakes them all.
    pub(crate) fn begin_shutdown(&self, mode: u32) {
        self.shutdown.fetch_max(mode, SeqCst);
        self.sleep.wake_all();
    }

    /// After shutdown: takes every id still on the injector. Returns the ones
    /// that were live and are now CANCELLED (the caller rejects their futures);
    /// stale ids of already-cancelled tasks are released here.
    pub(crate) fn drain_queued(&self) -> Vec<TaskId> {
        let mut cancelled = Vec::new();
        while let Some(raw) = self.injector.pop() {
            let id = TaskId(raw);
            let slot = self.slot(id.slot());
            if slot.cancel(id) {
                cancelled.push(id);
            } else if slot.is(id, state::CANCELLED) {
                self.release(id);
            }
        }
        cancelled
    }

    /// Wakes idle workers so they notice a kill request or retirement.
    pub(crate) fn wake_all(&self) {
        self.sleep.wake_all();
    }

    // ---- workers ----

    fn enter(&self, worker: u32) -> Result<Critical<'_>, Killed> {
        self.worker(worker).enter()
    }

    /// One non-blocking attempt to claim a task.
    pub(crate) fn try_next(&self, worker: u32) -> Next {
        let rec = self.worker(worker);
        loop {
            let Ok(_critical) = self.enter(worker) else { return Next::Killed };
            let mode = self.shutdown.load(SeqCst);
            if mode == shutdown::NOW {
                return Next::Exit;
            }
            let Some(raw) = self.injector.pop() else {
                return if mode == shutdown::DRAIN { Next::Exit } else { Next::Empty };
            };
            let id = TaskId(raw);
            let slot = self.slot(id.slot());
            // `current` is set before the claim so that a death between the
            // claim and the return is still attributed to this worker.
            rec.current.store(raw, SeqCst);
            if slot.claim(id, worker) {
                rec.status.store(status::RUNNING, SeqCst);
                return Next::Task(id);
            }
            rec.current.store(NO_TASK, SeqCst);
            if slot.is(id, state::CANCELLED) {
                // We consumed the stale id of a cancelled task: its slot can be
                // reused now (invariant 2).
                self.release(id);
            }
        }
    }

    /// Blocks until there is a task for `worker`, or it must exit. With a
    /// timeout it sleeps at most once for that long and then reports `Empty`,
    /// so the caller can do other things (the JS worker lets its event loop
    /// run: timers and messages of its tasks).
    pub(crate) fn next(&self, worker: u32, timeout_ms: Option<u32>) -> Next {
        let rec = self.worker(worker);
        let mut slept = false;
        loop {
            match self.try_next(worker) {
                Next::Task(id) => {
                    // A spinner that finds work stops spinning, and producers
                    // skipped their wake-ups while it spun: pass one on if
                    // more is queued, so the work still spreads (invariant 5).
                    if !self.injector.looks_empty() {
                        self.sleep.wake_one();
                    }
                    return Next::Task(id);
                }
                Next::Empty if slept && timeout_ms.is_some() => return Next::Empty,
                Next::Empty => {}
                other => return other,
            }
            if !slept {
                match self.spin_for_work(worker) {
                    Err(Killed) => return Next::Killed,
                    Ok(true) => continue,
                    Ok(false) => {}
                }
            }
            rec.status.store(status::IDLE, SeqCst);
            let drowsy = self.sleep.announce();
            if !self.injector.looks_empty() || self.shutdown.load(SeqCst) != shutdown::RUNNING || rec.killed() {
                continue;
            }
            drowsy.sleep(timeout_ms);
            slept = true;
        }
    }

    /// Spins a little before sleeping: a task submitted soon after the
    /// previous one finished (a sequential await loop, a stream of small
    /// tasks) is then picked up without a futex wake, which costs far more
    /// than the spin once the other core has gone idle (the round trip's tail).
    /// While it spins the worker counts as spinning, so producers skip the
    /// wake-up syscall. Inside a critical section (invariant 4): a worker is
    /// never terminated while counted as spinning. True if work (or
    /// shutdown) showed up.
    fn spin_for_work(&self, worker: u32) -> Result<bool, Killed> {
        let rec = self.worker(worker);
        let _critical = self.enter(worker)?;
        let _spinning = self.sleep.spin();
        let rounds = self.spin_rounds.load(Relaxed);
        Ok(self.spin_round_trips(rec, rounds) < rounds)
    }

    /// Up to `rounds` rounds of the idle spin's loop; how many ran before
    /// work, shutdown or a kill showed up.
    fn spin_round_trips(&self, rec: &WorkerRecord, rounds: u32) -> u32 {
        for done in 0..rounds {
            for _ in 0..8 {
                core::hint::spin_loop();
            }
            if !self.injector.looks_empty() || self.shutdown.load(Relaxed) != shutdown::RUNNING || rec.killed() {
                return done;
            }
        }
        rounds
    }

    /// The idle spin's loop run by the page, to time it on this engine:
    /// how many of `rounds` ran (fewer if work showed up meanwhile).
    pub(crate) fn spin_probe(&self, rounds: u32) -> u32 {
        self.spin_round_trips(self.worker(0), rounds)
    }

    /// How many rounds idle workers spin from now on (at least one).
    pub(crate) fn set_spin_rounds(&self, rounds: u32) {
        self.spin_rounds.store(rounds.max(1), Relaxed);
    }

    /// A cold sleep, step 1 (module README, "Idle workers"): the worker read
    /// the jobs event as `seen` (SeqCst) before calling. Announces it as a
    /// sleeper and re-checks for work, shutdown and a kill (invariant 5). If
    /// there is something, it is claimed and returned as by `try_next` (which
    /// may find `Empty` if another worker was faster: ask again). Otherwise
    /// `Sleep`: the caller waits outside Rust while the event equals `seen`
    /// and then calls [`Shared::end_cold_sleep`] once.
    pub(crate) fn begin_cold_sleep(&self, worker: u32, seen: u32) -> Next {
        let rec = self.worker(worker);
        rec.status.store(status::IDLE, SeqCst);
        let drowsy = self.sleep.announce_seen(seen);
        if !self.injector.looks_empty() || self.shutdown.load(SeqCst) != shutdown::RUNNING || rec.killed() {
            drop(drowsy);
            return self.try_next(worker);
        }
        drowsy.hand_over();
        Next::Sleep
    }

    /// A cold sleep, step 2: the worker woke and will look for work.
    pub(crate) fn end_cold_sleep(&self) {
        self.sleep.end_cold();
    }

    /// The word idle workers sleep on (JS reaches it at `layout::JOBS_EVENT`).
    #[cfg(test)]
    pub(crate) fn jobs_event(&self) -> &AtomicU32 {
        self.sleep.jobs_event()
    }

    /// Finishes the worker's current task: its result words are written.
    /// `No` if the task had been abandoned (the worker was declared dead
    /// meanwhile) or the worker is being killed.
    pub(crate) fn complete(&self, worker: u32, id: TaskId) -> Completed {
        let rec = self.worker(worker);
        let Ok(_critical) = self.enter(worker) else { return Completed::No };
        if !self.slot(id.slot()).finish_by(id, worker) {
            return Completed::No;
        }
        let _ = rec.current.compare_exchange(id.0, NO_TASK, SeqCst, SeqCst);
        rec.tasks_done.fetch_add(1, Relaxed);
        rec.status.store(status::IDLE, SeqCst);
        self.completions.push_fitting(id.0);
        self.completion_event.fetch_add(1, SeqCst);
        if self.main_waiting.swap(0, SeqCst) == 1 {
            futex::wake(&self.completion_event, u32::MAX);
            return Completed::YesMainWasWaiting;
        }
        Completed::Yes
    }

    /// The worker leaves the pool (shutdown or retirement).
    pub(crate) fn exit(&self, worker: u32) {
        let rec = self.worker(worker);
        rec.current.store(NO_TASK, SeqCst);
        // The page frees this thread's stack and TLS once the worker is gone
        // (a thread cannot free the stack it runs on, and freeing TLS while
        // the allocator still reads it would be unsound).
        rec.status.store(status::EXITED, SeqCst);
    }
}
