//! The Rust API, for a crate that depends on wasmpool: [`Pool`] runs Rust
//! closures on a pool's workers. Re-exported at the crate root, with
//! `register_task` of `crate::tasks`, which makes a Rust function a task
//! JavaScript can submit by name.

mod embedded;
mod future;
mod options;
mod pool;

pub use future::{TaskError, TaskFuture};
pub use options::PoolOptions;
pub use pool::Pool;
