//! The companion rayon pool, for data-parallel Rust code.
//!
//! Rust code that uses `rayon` runs on a separate rayon `ThreadPool` whose
//! threads are Web Workers started by wasm-bindgen-rayon
//! (`initThreadPool(n)`), on the
//! same shared memory. wasmpool's own workers never block inside rayon: a
//! wasmpool task that calls `par_iter` hands the work to the rayon pool and
//! blocks only its own thread, so there is no deadlock (rayon never waits
//! for a wasmpool worker) and, with `workers + rayon threads` sized to the
//! cores, no oversubscription.
//!
//! Behind the `rayon` feature. JavaScript starts the rayon pool with the
//! `initThreadPool(n)` export this adds to the crate's wasm-bindgen glue (or
//! Rust with [`init_thread_pool`]); its threads start from
//! wasm-bindgen-rayon's own worker script (its `no-bundler` flavour), so the
//! glue must be served as wasm-bindgen wrote it. The demo crate
//! (`crates/wasmpool-demo`) and `tests/rust-app` use it.

pub use wasm_bindgen_rayon::init_thread_pool;
