//! Rust-side browser tests: what a Rust crate that depends on wasmpool can do,
//! tested the way such a crate would test it, with `wasm-bindgen-test` in
//! headless Chromium (`npm test` runs them through scripts/test-rust-web.sh).
//!
//! Each test starts a pool with `wasmpool::Pool::new`, which runs on this test
//! binary's own wasm module and memory: the JS layer comes along as
//! wasm-bindgen snippets, no npm package involved.
#![cfg(target_arch = "wasm32")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use wasmpool::{Pool, PoolOptions, TaskError};

wasm_bindgen_test_configure!(run_in_browser);

// Whether the calling code runs in a Web Worker (pool threads) or on the page.
fn in_worker() -> bool {
    !js_sys::Reflect::get(&js_sys::global(), &"WorkerGlobalScope".into()).unwrap().is_undefined()
}

#[wasm_bindgen_test]
async fn closures_run_on_worker_threads() {
    assert!(!in_worker(), "the test itself runs on the page");
    let pool = Pool::new(2).unwrap();
    pool.ready().await.unwrap();
    let base = 40;
    let (answer, where_) = pool.submit(move || (base + 2, in_worker())).await.unwrap();
    assert_eq!(answer, 42);
    assert!(where_, "the closure ran on a worker");
    pool.shutdown().await.unwrap();
}

#[wasm_bindgen_test]
async fn map_keeps_input_order_and_workers_share_memory() {
    let pool = Pool::new(2).unwrap();
    let items: Vec<u64> = (0..1000).collect();
    let squares = pool.map(&items, |x| x * x).await.unwrap();
    assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());

    // Closures capture an Arc into the one shared memory: every increment a
    // worker makes is visible here.
    let counter = Arc::new(AtomicUsize::new(0));
    let mut futures = Vec::new();
    for i in 0..50usize {
        let c = counter.clone();
        futures.push(pool.submit(move || c.fetch_add(i, Ordering::SeqCst)));
    }
    for f in futures {
        f.await.unwrap();
    }
    assert_eq!(counter.load(Ordering::SeqCst), (0..50).sum::<usize>());
    pool.shutdown().await.unwrap();
}

#[wasm_bindgen_test]
async fn a_panic_rejects_its_task_and_the_pool_keeps_serving() {
    let pool = Pool::new(1).unwrap();
    let err = pool.submit(|| -> u32 { panic!("bad input {}", 7) }).await.unwrap_err();
    match err {
        TaskError::Panicked(message) => assert!(message.contains("bad input 7"), "{message}"),
        other => panic!("expected a panic, got {other:?}"),
    }
    // The trapped worker was replaced; the pool still runs closures.
    assert_eq!(pool.submit(|| 2 + 2).await.unwrap(), 4);
    pool.shutdown().await.unwrap();
}

#[wasm_bindgen_test]
async fn the_same_pool_runs_javascript_tasks() {
    let pool = Pool::with_options(&PoolOptions { workers: Some(1), ..Default::default() }).unwrap();
    let submit: js_sys::Function = js_sys::Reflect::get(pool.as_js(), &"submit".into()).unwrap().into();
    let task = js_sys::Function::new_with_args("a, b", "return `${a}+${b} in ${self.wasmpool.workerIndex}`");
    let future = submit.call3(pool.as_js(), &task, &"1".into(), &"2".into()).unwrap();
    let value = JsFuture::from(js_sys::Promise::resolve(&future)).await.unwrap();
    assert_eq!(value.as_string().unwrap(), "1+2 in 0");
    pool.shutdown().await.unwrap();
}

#[wasm_bindgen_test]
async fn bad_options_are_a_range_error_at_the_call() {
    let err = Pool::new(0).err().expect("0 workers is refused");
    let name = js_sys::Reflect::get(&err, &"name".into()).unwrap().as_string().unwrap();
    assert_eq!(name, "RangeError");
}

#[wasm_bindgen_test]
async fn after_shutdown_submit_fails_with_shutdown_error() {
    let pool = Pool::new(1).unwrap();
    pool.shutdown().await.unwrap();
    match pool.submit(|| 1).await {
        Err(TaskError::Failed { name, .. }) => assert_eq!(name, "ShutdownError"),
        other => panic!("expected ShutdownError, got {other:?}"),
    }
}

/// Counts its drops: a closure capturing one is dropped exactly once,
/// whether it ran or not.
struct Counted(Arc<AtomicUsize>);
impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[wasm_bindgen_test]
async fn closures_cancelled_before_they_run_are_dropped() {
    let pool = Pool::new(1).unwrap();
    let release = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hold = release.clone();
    let busy = pool.submit(move || {
        while !hold.load(Ordering::SeqCst) {
            std::hint::spin_loop();
        }
    });
    let drops = Arc::new(AtomicUsize::new(0));
    let queued: Vec<_> = (0..5)
        .map(|i| {
            let counted = Counted(drops.clone());
            pool.submit(move || {
                let _counted = counted;
                i
            })
        })
        .collect();
    assert!(queued.iter().all(|f| f.cancel()), "queued tasks can be cancelled");
    assert_eq!(drops.load(Ordering::SeqCst), 5, "each cancelled closure was dropped at once");
    release.store(true, Ordering::SeqCst);
    busy.await.unwrap();
    for f in queued {
        assert!(matches!(f.await, Err(TaskError::Failed { name, .. }) if name == "CancelledError"));
    }
    pool.shutdown().await.unwrap();
    // Refused at the call (the pool is shut down): dropped too.
    let _ = pool.submit({
        let counted = Counted(drops.clone());
        move || drop(counted)
    });
    assert_eq!(drops.load(Ordering::SeqCst), 6);
}
