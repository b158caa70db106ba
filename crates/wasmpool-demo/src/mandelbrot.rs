//! The Mandelbrot set, four ways: tasks by name for one band of rows
//! (`mandelbrot_rows`), for a band written into a shared array
//! (`mandelbrot_into`, the benchmark's) and for the whole image on the rayon
//! pool (`mandelbrot_rayon`); exports for the whole image on the rayon pool or
//! on the calling thread (the single-thread wasm baseline).

use super::kernels;
use js_sys::{Array, Uint32Array};
use rayon::prelude::*;
use wasm_bindgen::prelude::*;

fn arg_u32(args: &Array, i: u32, what: &str) -> Result<u32, JsValue> {
    args.get(i)
        .as_f64()
        .filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= u32::MAX as f64)
        .map(|v| v as u32)
        .ok_or_else(|| js_sys::TypeError::new(&format!("argument {i} ({what}) must be a non-negative integer")).into())
}

/// `(width, height, y0, rows, maxIter)` → Uint32Array of iteration counts.
pub(super) fn rows_task(args: Array) -> Result<JsValue, JsValue> {
    let v = kernels::mandelbrot_rows(
        arg_u32(&args, 0, "width")?,
        arg_u32(&args, 1, "height")?,
        arg_u32(&args, 2, "y0")?,
        arg_u32(&args, 3, "rows")?,
        arg_u32(&args, 4, "maxIter")?,
    );
    Ok(Uint32Array::from(&v[..]).into())
}

/// `(out: Uint32Array, width, height, y0, rows, maxIter)` → writes the rows'
/// iteration counts into `out` (an array from `pool.alloc`, shared by all
/// workers) at row `y0`; returns the number of values written.
pub(super) fn into_task(args: Array) -> Result<JsValue, JsValue> {
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
pub(super) fn rayon_task(args: Array) -> Result<JsValue, JsValue> {
    let (width, height) = (arg_u32(&args, 0, "width")?, arg_u32(&args, 1, "height")?);
    Ok(mandelbrot_rayon(width, height, arg_u32(&args, 2, "maxIter")?).into())
}

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
