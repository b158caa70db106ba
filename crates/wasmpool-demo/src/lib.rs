//! Demo kernels and fault injectors: the Rust tasks of wasmpool's demo,
//! benchmarks and browser tests, in a crate of their own so the npm package's
//! wasm carries none of them.
//!
//! The benchmarks and browser tests call these by name
//! (`pool.submit('mandelbrot_into', …)`) or as exports
//! (`rust_sum_of_squares`), through `js/index.js`: wasmpool's JS API on this
//! crate's wasm (`scripts/build.sh` builds it into `pkg/`). Like any
//! application crate it depends on wasmpool (with the `rayon` feature) and
//! registers its tasks with `wasmpool::register_task`; the rayon feature puts
//! wasm-bindgen-rayon's `initThreadPool(n)` into this crate's glue.
//!
//! - `kernels`: the plain-Rust compute kernels (target-independent; their
//!   unit tests run natively);
//! - `mandelbrot`: Mandelbrot tasks and exports (per band, into shared
//!   memory, on the rayon pool, single-threaded);
//! - `data`: tasks showing how arguments cross (serde, a shared `Float64Array`,
//!   rayon's `par_iter`);
//! - `faults`: tasks that panic or exhaust memory, for the reliability tests;
//! - `closures`: exports built on the Rust API (`Pool::map`, `Pool::submit`).

#[cfg(any(target_arch = "wasm32", test))]
mod kernels;

#[cfg(target_arch = "wasm32")]
mod closures;
#[cfg(target_arch = "wasm32")]
mod data;
#[cfg(target_arch = "wasm32")]
mod faults;
#[cfg(target_arch = "wasm32")]
mod mandelbrot;

/// The demo's Rust tasks, by the names JS submits them under.
#[cfg(target_arch = "wasm32")]
const TASKS: &[(&str, wasmpool::TaskFn)] = &[
    ("mandelbrot_rows", mandelbrot::rows_task),
    ("sum_f64", data::sum_f64),
    ("rust_panic", faults::rust_panic),
    ("add", data::add),
    ("alloc_bytes", faults::alloc_bytes),
    ("stack_scribble", faults::stack_scribble),
    ("rayon_sum", data::rayon_sum),
    ("mandelbrot_into", mandelbrot::into_task),
    ("mandelbrot_rayon", mandelbrot::rayon_task),
];

/// Registers the demo's tasks (once, on the page: the registry lives in the
/// shared memory, so every worker sees them). `js/index.js` calls it when it
/// loads this crate's wasm.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn register_demo_tasks() {
    for (name, task) in TASKS {
        wasmpool::register_task(name, *task);
    }
}
