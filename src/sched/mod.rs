#![doc = include_str!("README.md")]

pub mod futex;
pub mod pool;
pub mod queue;
pub mod sleep;
pub mod task;
pub mod worker;

pub use pool::{Next, Shared};
pub use task::TaskId;
