//! A worker's record in shared memory, and the kill/critical handshake
//! (invariant 4 of the module README).

use core::sync::atomic::{AtomicU32, Ordering::*};

/// Worker status values (`WorkerRecord::status`).
pub(crate) mod status {
    pub(crate) const VACANT: u32 = 0;
    pub(crate) const STARTING: u32 = 1;
    pub(crate) const IDLE: u32 = 2;
    pub(crate) const RUNNING: u32 = 3;
    pub(crate) const EXITED: u32 = 4;
}

/// No task: the value of `current` while idle.
pub(crate) const NO_TASK: u32 = u32::MAX;

#[repr(C)]
pub(crate) struct WorkerRecord {
    pub(crate) status: AtomicU32,
    /// The `TaskId` being run, or [`NO_TASK`].
    pub(crate) current: AtomicU32,
    /// 1 while the worker is inside a ring operation or the allocator.
    pub(crate) critical: AtomicU32,
    /// Set by the main thread before it terminates this worker.
    pub(crate) kill: AtomicU32,
    /// Tasks finished by the current occupant.
    pub(crate) tasks_done: AtomicU32,
    /// The occupant's unique id (assigned by the JS layer).
    pub(crate) uid: AtomicU32,
    /// What the occupant's thread allocated for itself, so the main thread can
    /// free it if the occupant dies without doing so.
    pub(crate) tls_base: AtomicU32,
    pub(crate) stack_alloc: AtomicU32,
    /// The one heap block the occupant's thread state owns (its externref
    /// slab) and its size: freed with the stack and TLS (src/wasm/alloc.rs).
    pub(crate) thread_heap: AtomicU32,
    pub(crate) thread_heap_bytes: AtomicU32,
}

/// Byte offsets of a worker record's words (collected for JS by `crate::layout`).
pub(crate) mod layout {
    use super::WorkerRecord;
    use core::mem::{offset_of, size_of};

    pub(crate) const RECORD_BYTES: u32 = size_of::<WorkerRecord>() as u32;
    pub(crate) const STATUS: u32 = offset_of!(WorkerRecord, status) as u32;
    pub(crate) const CURRENT: u32 = offset_of!(WorkerRecord, current) as u32;
    pub(crate) const CRITICAL: u32 = offset_of!(WorkerRecord, critical) as u32;
    pub(crate) const KILL: u32 = offset_of!(WorkerRecord, kill) as u32;
    pub(crate) const TASKS_DONE: u32 = offset_of!(WorkerRecord, tasks_done) as u32;
    pub(crate) const UID: u32 = offset_of!(WorkerRecord, uid) as u32;
    pub(crate) const TLS_BASE: u32 = offset_of!(WorkerRecord, tls_base) as u32;
    pub(crate) const STACK_ALLOC: u32 = offset_of!(WorkerRecord, stack_alloc) as u32;
    pub(crate) const THREAD_HEAP: u32 = offset_of!(WorkerRecord, thread_heap) as u32;
    pub(crate) const THREAD_HEAP_BYTES: u32 = offset_of!(WorkerRecord, thread_heap_bytes) as u32;
}

impl Default for WorkerRecord {
    fn default() -> Self {
        WorkerRecord {
            status: AtomicU32::new(status::VACANT),
            current: AtomicU32::new(NO_TASK),
            critical: AtomicU32::new(0),
            kill: AtomicU32::new(0),
            tasks_done: AtomicU32::new(0),
            uid: AtomicU32::new(0),
            tls_base: AtomicU32::new(0),
            stack_alloc: AtomicU32::new(0),
            thread_heap: AtomicU32::new(0),
            thread_heap_bytes: AtomicU32::new(0),
        }
    }
}

/// The worker was asked to die; it must not touch shared structures again.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Killed;

/// Proof of being inside a critical section; leaving it on drop.
pub(crate) struct Critical<'a>(&'a WorkerRecord);

impl Drop for Critical<'_> {
    fn drop(&mut self) {
        self.0.critical.store(0, SeqCst);
    }
}

impl WorkerRecord {
    /// Resets the record for a new occupant.
    pub(crate) fn occupy(&self, uid: u32) {
        self.current.store(NO_TASK, SeqCst);
        self.critical.store(0, SeqCst);
        self.kill.store(0, SeqCst);
        self.tasks_done.store(0, SeqCst);
        self.tls_base.store(0, SeqCst);
        self.stack_alloc.store(0, SeqCst);
        self.thread_heap.store(0, SeqCst);
        self.thread_heap_bytes.store(0, SeqCst);
        self.uid.store(uid, SeqCst);
        self.status.store(status::STARTING, SeqCst);
    }

    /// Worker side: enter a critical section unless a kill was requested.
    pub(crate) fn enter(&self) -> Result<Critical<'_>, Killed> {
        self.critical.store(1, SeqCst);
        if self.kill.load(SeqCst) != 0 {
            self.critical.store(0, SeqCst);
            return Err(Killed);
        }
        Ok(Critical(self))
    }

    /// Main side, step 1: from now on the worker enters no critical section.
    pub(crate) fn request_kill(&self) {
        self.kill.store(1, SeqCst);
    }

    /// Main side, step 2: true once it is safe to terminate the thread. The
    /// main thread cannot block, so it polls this (each section is a few
    /// hundred instructions).
    pub(crate) fn safe_to_terminate(&self) -> bool {
        self.kill.load(SeqCst) != 0 && self.critical.load(SeqCst) == 0
    }

    pub(crate) fn killed(&self) -> bool {
        self.kill.load(SeqCst) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The handshake's promise: once the main side has seen
    /// `safe_to_terminate`, the worker never is (or gets) inside a section.
    #[test]
    fn kill_handshake_excludes_critical_sections() {
        for _ in 0..200 {
            let rec = Arc::new(WorkerRecord::default());
            let inside = Arc::new(AtomicU32::new(0));
            let w = {
                let (rec, inside) = (rec.clone(), inside.clone());
                std::thread::spawn(move || loop {
                    match rec.enter() {
                        Ok(_g) => {
                            inside.store(1, SeqCst);
                            std::hint::spin_loop();
                            inside.store(0, SeqCst);
                        }
                        Err(Killed) => return,
                    }
                })
            };
            std::thread::yield_now();
            rec.request_kill();
            while !rec.safe_to_terminate() {
                std::hint::spin_loop();
            }
            // From here on the "terminated" worker must not be inside.
            for _ in 0..1000 {
                assert_eq!(inside.load(SeqCst), 0);
            }
            w.join().unwrap();
        }
    }
}
