//! Rust tasks callable from JS by name: `pool.submit('mandelbrot_rows', ...)`.
//!
//! A task is a plain `fn(Array) -> Result<JsValue, JsValue>`; arguments and
//! results cross with `serde-wasm-bindgen` or js-sys types. The registry is a
//! static in the shared memory, so a task registered on the page (before or
//! after the pool starts) is visible to every worker; it is guarded by a spin
//! lock because the page's main thread must never block on a futex.

use crate::kernels;
use js_sys::{Array, Float64Array, Uint32Array};
use std::sync::atomic::{AtomicBool, Ordering::*};
use wasm_bindgen::prelude::*;

/// The signature of a Rust task.
pub type TaskFn = fn(Array) -> Result<JsValue, JsValue>;

static BUILTIN: &[(&str, TaskFn)] = &[
    ("mandelbrot_rows", mandelbrot_rows),
    ("sum_f64", sum_f64),
    ("rust_panic", rust_panic),
    ("add", add),
    ("alloc_bytes", alloc_bytes),
    ("rayon_sum", rayon_sum),
    ("mandelbrot_into", mandelbrot_into),
    ("mandelbrot_rayon", mandelbrot_rayon),
    ("__wasmpool_closure", crate::rust_pool::run_closure),
];

static LOCK: AtomicBool = AtomicBool::new(false);
static mut REGISTERED: Vec<(String, TaskFn)> = Vec::new();

fn with_registry<R>(f: impl FnOnce(&mut Vec<(String, TaskFn)>) -> R) -> R {
    while LOCK.compare_exchange_weak(false, true, Acquire, Relaxed).is_err() {
        core::hint::spin_loop();
    }
    // SAFETY: the spin lock gives exclusive access.
    let r = f(unsafe { &mut *core::ptr::addr_of_mut!(REGISTERED) });
    LOCK.store(false, Release);
    r
}

/// Registers a Rust function as a task callable from JS by `name`.
pub fn register_task(name: &str, task: TaskFn) {
    with_registry(|r| {
        r.retain(|(n, _)| n != name);
        r.push((name.to_owned(), task));
    });
}

fn find(name: &str) -> Option<TaskFn> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .or_else(|| with_registry(|r| r.iter().find(|(n, _)| n == name).map(|(_, f)| *f)))
}

#[wasm_bindgen]
pub fn wp_has_task(name: &str) -> bool {
    find(name).is_some()
}

/// Runs the Rust task `name` (in whichever thread calls it: a pool worker).
#[wasm_bindgen]
pub fn wp_run_task(name: &str, args: Array) -> Result<JsValue, JsValue> {
    match find(name) {
        Some(task) => task(args),
        None => Err(js_sys::TypeError::new(&format!("no Rust task named \"{name}\"")).into()),
    }
}

fn arg_u32(args: &Array, i: u32, what: &str) -> Result<u32, JsValue> {
    args.get(i)
        .as_f64()
        .filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= u32::MAX as f64)
        .map(|v| v as u32)
        .ok_or_else(|| js_sys::TypeError::new(&format!("argument {i} ({what}) must be a non-negative integer")).into())
}

/// `(width, height, y0, rows, maxIter)` → Uint32Array of iteration counts.
fn mandelbrot_rows(args: Array) -> Result<JsValue, JsValue> {
    let v = kernels::mandelbrot_rows(
        arg_u32(&args, 0, "width")?,
        arg_u32(&args, 1, "height")?,
        arg_u32(&args, 2, "y0")?,
        arg_u32(&args, 3, "rows")?,
        arg_u32(&args, 4, "maxIter")?,
    );
    Ok(Uint32Array::from(&v[..]).into())
}

/// `(Float64Array)` → its sum. Reads the array where it lives: for an array
/// allocated in the pool's shared memory this is a view, not a copy.
fn sum_f64(args: Array) -> Result<JsValue, JsValue> {
    let arr: Float64Array =
        args.get(0).dyn_into().map_err(|_| js_sys::TypeError::new("argument 0 must be a Float64Array"))?;
    Ok(JsValue::from_f64(kernels::sum(&arr.to_vec())))
}

/// `(a, b)` → a + b, with serde-wasm-bindgen on both sides.
fn add(args: Array) -> Result<JsValue, JsValue> {
    let (a, b): (f64, f64) = serde_wasm_bindgen::from_value(args.into())?;
    Ok(serde_wasm_bindgen::to_value(&(a + b))?)
}

/// `(message)` → panics with it (tests the panic path).
fn rust_panic(args: Array) -> Result<JsValue, JsValue> {
    let message = args.get(0).as_string().unwrap_or_else(|| "rust_panic".into());
    panic!("{message}");
}

/// `(n)` → allocates and fills `n` bytes, returns their count (tests the
/// out-of-memory path: past the memory's maximum this aborts the instance).
fn alloc_bytes(args: Array) -> Result<JsValue, JsValue> {
    let n = args.get(0).as_f64().unwrap_or(0.0) as usize;
    let v = vec![1u8; n];
    Ok(JsValue::from_f64(v.iter().map(|b| *b as f64).sum()))
}

/// `(Float64Array)` → its sum, computed with rayon's `par_iter` on the
/// companion rayon pool (call `initRayon(n)` on the page first).
fn rayon_sum(args: Array) -> Result<JsValue, JsValue> {
    let arr: Float64Array =
        args.get(0).dyn_into().map_err(|_| js_sys::TypeError::new("argument 0 must be a Float64Array"))?;
    Ok(JsValue::from_f64(crate::parallel::rayon_sum(&arr.to_vec())))
}

/// `(out: Uint32Array, width, height, y0, rows, maxIter)` → writes the rows'
/// iteration counts into `out` (an array from `pool.alloc`, shared by all
/// workers) at row `y0`; returns the number of values written.
fn mandelbrot_into(args: Array) -> Result<JsValue, JsValue> {
    let out: Uint32Array =
        args.get(0).dyn_into().map_err(|_| js_sys::TypeError::new("argument 0 must be a Uint32Array"))?;
    let (width, height) = (arg_u32(&args, 1, "width")?, arg_u32(&args, 2, "height")?);
    let (y0, rows, max_iter) = (arg_u32(&args, 3, "y0")?, arg_u32(&args, 4, "rows")?, arg_u32(&args, 5, "maxIter")?);
    let v = kernels::mandelbrot_rows(width, height, y0, rows, max_iter);
    let start = y0 * width;
    if start as usize + v.len() > out.length() as usize {
        return Err(js_sys::RangeError::new("the output array is too small").into());
    }
    out.subarray(start, start + v.len() as u32).copy_from(&v);
    Ok(JsValue::from_f64(v.len() as f64))
}

/// `(width, height, maxIter)` → the whole image with rayon's `par_iter` on
/// the companion rayon pool (call from a worker: rayon blocks its caller).
fn mandelbrot_rayon(args: Array) -> Result<JsValue, JsValue> {
    Ok(crate::parallel::mandelbrot_rayon(
        arg_u32(&args, 0, "width")?,
        arg_u32(&args, 1, "height")?,
        arg_u32(&args, 2, "maxIter")?,
    )
    .into())
}
