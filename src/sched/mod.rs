#![doc = include_str!("README.md")]

pub(crate) mod futex;
pub(crate) mod pool;
pub(crate) mod queue;
pub(crate) mod sleep;
pub(crate) mod stacks;
pub(crate) mod task;
pub(crate) mod worker;

/// Model-based and stress tests of the whole core (unit tests, so the core
/// stays crate-private: nothing outside this crate schedules tasks).
#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering::SeqCst;
    use std::time::{Duration, Instant};

    mod idle;
    mod model;
    mod stress;

    /// Publishes `burst` tasks and waits (with a deadline) for all of them.
    pub(super) fn run_burst(pool: &crate::sched::pool::Shared, burst: u32, base: u32, what: &str) {
        for i in 0..burst {
            let id = pool.reserve().expect("all slots are free between bursts");
            pool.slot(id.slot()).payload[0].store(base + i, SeqCst);
            pool.publish(id);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut got = 0;
        while got < burst {
            if let Some(id) = pool.pop_completion() {
                assert!(pool.release(id));
                got += 1;
            } else {
                assert!(Instant::now() < deadline, "lost wake-up: {got} of {burst} tasks ran ({what})");
                std::thread::yield_now();
            }
        }
    }

    /// A tiny deterministic PRNG (xorshift) so failures reproduce.
    pub(super) struct Rng(pub(super) u64);
    impl Rng {
        pub(super) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        pub(super) fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }
}
