#![warn(clippy::too_many_lines)]
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
//! The scheduling protocol lives in the crate-private `sched` module
//! (`src/sched/README.md`), target-independent and tested natively with
//! `std::thread`; the `wasm_bindgen` exports the JS layer calls (`wasm::abi`)
//! are a thin layer over it, and `src/layout.rs` is the one place the numbers
//! both sides use are written. The task registry (name, id and function of
//! every Rust task JavaScript can submit) is the `tasks` module, which both the
//! exports and the Rust API use.
//!
//! # Features
//!
//! - `rayon` (off by default): the companion rayon pool (`wasmpool::parallel`) for
//!   Rust code that uses `par_iter`, on Web Workers of its own that share the
//!   module's memory (wasm-bindgen-rayon).
//!
//! The demo's kernels and fault injectors are a crate of their own
//! (`crates/wasmpool-demo` in the repository), which depends on this one as
//! any application crate would.

// Natively the core and the layout table are compiled for their tests only:
// their callers are the wasm exports (src/wasm/abi.rs), so unused code is
// reported by the wasm32 build and its clippy run (scripts/lint-rust.sh).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod layout;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod sched;

// wasm32 only: the task registry (`tasks`), used by the Rust API (`api`) and
// by the exports (`wasm`), neither of which uses the other.
#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(all(target_arch = "wasm32", feature = "rayon"))]
pub mod parallel;
#[cfg(target_arch = "wasm32")]
mod tasks;
#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(target_arch = "wasm32")]
pub use api::{Pool, PoolOptions, TaskError, TaskFuture};
#[cfg(target_arch = "wasm32")]
pub use tasks::{register_task, TaskFn};
