//! Fault injectors for the reliability tests: a task that panics and one that
//! allocates as much as it is told.

use js_sys::Array;
use wasm_bindgen::JsValue;

/// `(message)` → panics with it (tests the panic path).
pub(super) fn rust_panic(args: Array) -> Result<JsValue, JsValue> {
    let message = args.get(0).as_string().unwrap_or_else(|| "rust_panic".into());
    panic!("{message}");
}

/// `(n)` → allocates and fills `n` bytes, returns their count (tests the
/// out-of-memory path: past the memory's maximum this aborts the instance).
pub(super) fn alloc_bytes(args: Array) -> Result<JsValue, JsValue> {
    let n = args.get(0).as_f64().unwrap_or(0.0) as usize;
    let v = vec![1u8; n];
    Ok(JsValue::from_f64(v.iter().map(|b| *b as f64).sum()))
}
