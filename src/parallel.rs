//! The companion rayon pool, for data-parallel Rust code.
//!
//! Rust code that uses `rayon` runs on a separate rayon `ThreadPool` whose
//! threads are Web Workers started by wasm-bindgen-rayon
//! (`initThreadPool(n)`, re-exported by the JS layer as `initRayon`), on the
//! same shared memory. wasmpool's own workers never block inside rayon: a
//! wasmpool task that calls `par_iter` hands the work to the rayon pool and
//! blocks only its own thread, so there is no deadlock (rayon never waits
//! for a wasmpool worker) and, with `workers + rayon threads` sized to the
//! cores, no oversubscription.
//!
//! The demo's Rust tasks that use rayon (`rayon_sum`, `mandelbrot_rayon`)
//! live in the `demo` feature.

pub use wasm_bindgen_rayon::init_thread_pool;
