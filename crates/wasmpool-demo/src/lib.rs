//! Demo kernels and fault injectors, behind the non-default `demo` feature.
//!
//! The npm package's demo (`www/`), benchmarks (`bench/`), browser tests and
//! example apps call these by name (`pool.submit('mandelbrot_into', …)`) or as
//! exports (`rust_sum_of_squares`), so `scripts/build.sh` builds `pkg/` with
//! `--features demo`; a crate that depends on wasmpool does not get them.
//!
//! - `kernels`: the plain-Rust compute kernels (target-independent; their
//!   unit tests run natively even without the feature);
//! - `mandelbrot`: Mandelbrot tasks and exports (per band, into shared
//!   memory, on the rayon pool, single-threaded);
//! - `data`: tasks showing how arguments cross (serde, a shared `Float64Array`,
//!   rayon's `par_iter`);
//! - `faults`: tasks that panic or exhaust memory, for the reliability tests;
//! - `closures`: exports built on the Rust API (`Pool::map`, `Pool::submit`).

#[cfg(any(target_arch = "wasm32", test))]
mod kernels;

#[cfg(all(target_arch = "wasm32", feature = "demo"))]
mod closures;
#[cfg(all(target_arch = "wasm32", feature = "demo"))]
mod data;
#[cfg(all(target_arch = "wasm32", feature = "demo"))]
mod faults;
#[cfg(all(target_arch = "wasm32", feature = "demo"))]
mod mandelbrot;

/// The demo's Rust tasks, by the names JS submits them under.
#[cfg(all(target_arch = "wasm32", feature = "demo"))]
pub(crate) const TASKS: &[(&str, crate::TaskFn)] = &[
    ("mandelbrot_rows", mandelbrot::rows_task),
    ("sum_f64", data::sum_f64),
    ("rust_panic", faults::rust_panic),
    ("add", data::add),
    ("alloc_bytes", faults::alloc_bytes),
    ("rayon_sum", data::rayon_sum),
    ("mandelbrot_into", mandelbrot::into_task),
    ("mandelbrot_rayon", mandelbrot::rayon_task),
];
