#![doc = include_str!("README.md")]

pub(crate) mod futex;
pub(crate) mod pool;
pub(crate) mod queue;
pub(crate) mod sleep;
pub(crate) mod task;
pub(crate) mod worker;

/// Model-based and stress tests of the whole core (unit tests, so the core
/// stays crate-private: nothing outside this crate schedules tasks).
#[cfg(test)]
mod tests {
    mod idle;
    mod model;
    mod stress;

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
