//! Data-parallel Rust kernels on the companion rayon pool.
//!
//! Rust code that uses `rayon` runs on a separate rayon `ThreadPool` whose
//! threads are Web Workers started by wasm-bindgen-rayon
//! (`initThreadPool(n)`, re-exported by the JS layer as `initRayon`), on the
//! same shared memory. wasmpool's own workers never block inside rayon: a
//! wasmpool task that calls `par_iter` hands the work to the rayon pool and
//! blocks only its own thread, so there is no deadlock (rayon never waits
//! for a wasmpool worker) and, with `workers + rayon threads` sized to the
//! cores, no oversubscription.

use crate::kernels;
use js_sys::Uint32Array;
use rayon::prelude::*;
use wasm_bindgen::prelude::*;

pub use wasm_bindgen_rayon::init_thread_pool;

/// The whole Mandelbrot image, rows in parallel on the rayon pool.
#[wasm_bindgen]
pub fn mandelbrot_rayon(width: u32, height: u32, max_iter: u32) -> Uint32Array {
    let rows: Vec<Vec<u32>> =
        (0..height).into_par_iter().map(|y| kernels::mandelbrot_rows(width, height, y, 1, max_iter)).collect();
    let flat: Vec<u32> = rows.concat();
    Uint32Array::from(&flat[..])
}

/// The whole Mandelbrot image on the calling thread (the single-thread wasm baseline).
#[wasm_bindgen]
pub fn mandelbrot_single(width: u32, height: u32, max_iter: u32) -> Uint32Array {
    Uint32Array::from(&kernels::mandelbrot_rows(width, height, 0, height, max_iter)[..])
}

/// Sum of a slice computed with rayon: the "Rust task that uses rayon"
/// callable from a wasmpool worker as the task `rayon_sum`.
pub fn rayon_sum(values: &[f64]) -> f64 {
    values.par_iter().sum()
}
