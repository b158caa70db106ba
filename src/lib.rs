#![cfg_attr(target_arch = "wasm32", feature(stdarch_wasm_atomic_wait))]
//! wasmpool: a Web Worker pool whose threads share one WebAssembly memory.
//!
//! The scheduling protocol lives in [`sched`] and is target-independent; the
//! `wasm_bindgen` glue in `bindings` is a thin layer over it.

pub mod kernels;
pub mod sched;

#[cfg(target_arch = "wasm32")]
pub mod tasks;

#[cfg(target_arch = "wasm32")]
pub mod parallel;

#[cfg(target_arch = "wasm32")]
pub mod rust_pool;
#[cfg(target_arch = "wasm32")]
mod embedded;
#[cfg(target_arch = "wasm32")]
pub use embedded::PoolOptions;
#[cfg(target_arch = "wasm32")]
pub use rust_pool::{Pool, TaskError, TaskFuture};
#[cfg(target_arch = "wasm32")]
pub use tasks::register_task;

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
mod panic;
