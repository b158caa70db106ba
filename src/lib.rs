#![cfg_attr(target_arch = "wasm32", feature(stdarch_wasm_atomic_wait))]
//! wasmpool: a Web Worker pool whose threads share one WebAssembly memory.
//!
//! Tasks reach the workers, and results come back, through that shared memory
//! and atomics rather than one `postMessage` per task. JavaScript uses it
//! through the npm package (`Pool`, `Future`, `map`, `asCompleted`, …); this
//! crate is also usable from Rust, as a dependency of your own wasm crate.
//!
//! # From Rust
//!
//! [`Pool::new`] starts Web Workers on *your* crate's wasm module and memory
//! (the JS side ships inside this crate as wasm-bindgen snippets, so no npm
//! package is involved), and [`Pool::submit`] runs any `Send` closure on one
//! of them; [`Pool::map`] splits a slice into chunks across them.
//!
//! ```ignore
//! use wasm_bindgen::prelude::*;
//!
//! #[wasm_bindgen]
//! pub async fn sum_of_squares(n: u64) -> Result<u64, JsValue> {
//!     let pool = wasmpool::Pool::new(4)?;                  // 4 workers, this module
//!     let items: Vec<u64> = (0..n).collect();
//!     let squares = pool.map(&items, |x| x * x).await      // runs on the workers
//!         .map_err(|e| JsValue::from_str(&e.to_string()))?;
//!     pool.shutdown().await?;
//!     Ok(squares.iter().sum())
//! }
//! ```
//!
//! A panic in a closure fails its task with [`TaskError::Panicked`] and the
//! worker is replaced; the pool keeps serving. [`register_task`] makes a Rust
//! function callable from JavaScript by name (`pool.submit('name', …)`), and
//! [`Pool::as_js`] hands the pool to JavaScript.
//!
//! Requirements (the same as for any threaded wasm): a nightly toolchain with
//! `rust-src`, `-Z build-std=panic_abort,std`, the shared-memory rustflags of
//! this repository's `.cargo/config.toml`, `wasm-bindgen --target web` of the
//! same version as the `wasm-bindgen` crate, and a cross-origin isolated page
//! (COOP `same-origin` + COEP `require-corp`). Test with `wasm-bindgen-test`
//! in a browser (`run_in_browser`): its runner sends those headers itself.
//!
//! # Inside
//!
//! The scheduling protocol lives in [`sched`] and is target-independent (and
//! tested natively with `std::thread`); the `wasm_bindgen` glue in `bindings`
//! is a thin layer over it.

pub mod kernels;
pub mod sched;

#[cfg(target_arch = "wasm32")]
mod tasks;

#[cfg(target_arch = "wasm32")]
pub mod parallel;

#[cfg(target_arch = "wasm32")]
mod embedded;
#[cfg(target_arch = "wasm32")]
mod rust_pool;
#[cfg(target_arch = "wasm32")]
pub use embedded::PoolOptions;
#[cfg(target_arch = "wasm32")]
pub use rust_pool::{Pool, TaskError, TaskFuture};
#[cfg(target_arch = "wasm32")]
pub use tasks::{register_task, TaskFn};

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
mod panic;
