//! Tasks showing how arguments and results cross between JS and Rust.

use super::kernels;
use js_sys::{Array, Float64Array};
use rayon::prelude::*;
use wasm_bindgen::prelude::*;

fn f64_array(args: &Array) -> Result<Float64Array, JsValue> {
    args.get(0).dyn_into().map_err(|_| js_sys::TypeError::new("argument 0 must be a Float64Array").into())
}

/// `(a, b)` → a + b, with serde-wasm-bindgen on both sides.
pub(super) fn add(args: Array) -> Result<JsValue, JsValue> {
    let (a, b): (f64, f64) = serde_wasm_bindgen::from_value(args.into())?;
    Ok(serde_wasm_bindgen::to_value(&(a + b))?)
}

/// `(Float64Array)` → its sum. Reads the array where it lives: for an array
/// allocated in the pool's shared memory this is a view, not a copy.
pub(super) fn sum_f64(args: Array) -> Result<JsValue, JsValue> {
    Ok(JsValue::from_f64(kernels::sum(&f64_array(&args)?.to_vec())))
}

/// `(Float64Array)` → its sum, computed with rayon's `par_iter` on the
/// companion rayon pool (call `initRayon(n)` on the page first): the "Rust
/// task that uses rayon" callable from a wasmpool worker.
pub(super) fn rayon_sum(args: Array) -> Result<JsValue, JsValue> {
    let values = f64_array(&args)?.to_vec();
    Ok(JsValue::from_f64(values.par_iter().sum()))
}
