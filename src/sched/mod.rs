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
    mod model;
    mod stress;
}
