//! The dependent crate's own browser tests (wasm-bindgen-test, headless Chromium).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use wasmpool_rust_app::{count_primes, count_primes_rayon, count_primes_serial, register_tasks};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn parallel_count_matches_the_serial_one() {
    let n = 50_000;
    assert_eq!(count_primes(n, 2).await.unwrap(), count_primes_serial(n));
}

#[wasm_bindgen_test]
async fn rayon_par_iter_inside_a_pool_task_matches_the_serial_count() {
    // Two rayon threads (wasm-bindgen-rayon's workers, on this module's memory).
    JsFuture::from(wasmpool::parallel::init_thread_pool(2)).await.unwrap();
    let n = 50_000;
    assert_eq!(count_primes_rayon(n).await.unwrap(), count_primes_serial(n));
}

#[wasm_bindgen_test]
async fn javascript_submits_a_rust_task_by_name() {
    register_tasks();
    let pool = wasmpool::Pool::new(1).unwrap();
    let submit: js_sys::Function = js_sys::Reflect::get(pool.as_js(), &"submit".into()).unwrap().into();
    for (n, prime) in [(97u32, true), (91, false)] {
        let future = submit.call2(pool.as_js(), &"is_prime".into(), &n.into()).unwrap();
        let value = JsFuture::from(js_sys::Promise::resolve(&future)).await.unwrap();
        assert_eq!(value.as_bool(), Some(prime), "is_prime({n})");
    }
    // An unknown name is a TypeError at the call, not a hang.
    let err = submit.call1(pool.as_js(), &"no_such_task".into());
    let err = match err {
        Err(e) => e,
        Ok(future) => JsFuture::from(js_sys::Promise::resolve(&future)).await.unwrap_err(),
    };
    assert_eq!(js_sys::Reflect::get(&err, &"name".into()).unwrap().as_string().unwrap(), "TypeError");
    pool.shutdown().await.unwrap();
}
