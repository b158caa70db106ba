//! The Rust API, for a crate that depends on wasmpool: [`Pool`] runs Rust
//! closures on a pool's workers, [`register_task`] makes a Rust function a task
//! JavaScript can submit by name. Re-exported at the crate root.

mod closure;
mod embedded;
mod future;
mod options;
mod pool;
pub(crate) mod tasks;

pub use future::{TaskError, TaskFuture};
pub use options::PoolOptions;
pub use pool::Pool;
pub use tasks::{register_task, TaskFn};
