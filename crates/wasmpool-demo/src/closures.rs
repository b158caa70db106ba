//! Exports built on the Rust API, as a dependent crate would write them: JS
//! hands over its pool, Rust runs closures on it.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasmpool::Pool;

/// Example of a JS-exported function built on the Rust API: the sum of
/// `i * i` for `i < n`, computed with `Pool::map` on the given JS pool.
#[wasm_bindgen]
pub fn rust_sum_of_squares(pool: JsValue, n: u32) -> Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let pool = Pool::from_js(pool)?;
        let items: Vec<u64> = (0..n as u64).collect();
        let squares =
            pool.map(&items, |x| x * x).await.map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
        Ok(JsValue::from_f64(squares.iter().sum::<u64>() as f64))
    })
}

/// Example: one closure on a worker, panicking on request (for the tests).
#[wasm_bindgen]
pub fn rust_submit_closure(pool: JsValue, x: u32, panic: bool) -> Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let pool = Pool::from_js(pool)?;
        let r = pool
            .submit(move || {
                if panic {
                    panic!("closure asked to panic with {x}");
                }
                x * 3
            })
            .await;
        match r {
            Ok(v) => Ok(JsValue::from(v)),
            Err(e) => Ok(JsValue::from_str(&e.to_string())),
        }
    })
}
