//! Fault injectors for the reliability tests: a task that panics, one that
//! allocates as much as it is told, one that keeps writing its stack, and
//! closures whose tasks never run.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

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

/// `(ms)` → for `ms` milliseconds keeps rewriting a 64 KiB buffer on its
/// stack, returns how many times (tests that the stack of a killed worker is
/// not handed out again while its thread may still run).
pub(super) fn stack_scribble(args: Array) -> Result<JsValue, JsValue> {
    let end = js_sys::Date::now() + args.get(0).as_f64().unwrap_or(0.0);
    let mut buf = [0u8; 65536];
    let mut rounds = 0u32;
    while js_sys::Date::now() < end {
        buf.fill(rounds as u8);
        std::hint::black_box(&mut buf);
        rounds += 1;
    }
    Ok(JsValue::from_f64(rounds.into()))
}

/// `(pool, how)`: are closures submitted from Rust dropped when their tasks
/// end without running? Holds the pool's workers busy, submits 10 closures
/// that count their drops, then ends them `how`: `"cancel"` (each cancelled
/// before it runs), `"shutdown"` (`shutdown({ cancelFutures: true })`, then
/// one more submit, refused) or `"terminate"`. Resolves to
/// `[submitted, dropped]`.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn rust_closure_drops(pool: JsValue, how: String) -> js_sys::Promise {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    wasm_bindgen_futures::future_to_promise(async move {
        let js_pool = pool.clone();
        let pool = wasmpool::Pool::from_js(pool)?;
        let workers = js_sys::Reflect::get(&js_pool, &"workers".into())?.as_f64().unwrap_or(1.0) as usize;
        let release = Arc::new(AtomicBool::new(false));
        let (started, drops) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let busy: Vec<_> = (0..workers)
            .map(|_| {
                let (release, started) = (release.clone(), started.clone());
                pool.submit(move || {
                    started.fetch_add(1, SeqCst);
                    while !release.load(SeqCst) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        let queued: Vec<_> = (0..10)
            .map(|i| {
                let counted = Counted(drops.clone());
                pool.submit(move || {
                    let _counted = counted;
                    i
                })
            })
            .collect();
        let mut submitted = queued.len();
        let call = |method: &str, arg: &JsValue| -> Result<js_sys::Promise, JsValue> {
            let f: js_sys::Function = js_sys::Reflect::get(&js_pool, &method.into())?.dyn_into()?;
            Ok(js_sys::Promise::resolve(&f.call1(&js_pool, arg)?))
        };
        match how.as_str() {
            "cancel" => {
                if !queued.iter().all(|f| f.cancel()) {
                    return Err(js_sys::Error::new("a queued task could not be cancelled").into());
                }
                release.store(true, SeqCst);
                for f in busy {
                    let _ = f.await;
                }
            }
            "shutdown" => {
                let options = js_sys::Object::new();
                js_sys::Reflect::set(&options, &"cancelFutures".into(), &true.into())?;
                let done = call("shutdown", &options)?;
                release.store(true, SeqCst);
                wasm_bindgen_futures::JsFuture::from(done).await?;
                let counted = Counted(drops.clone());
                let _ = pool
                    .submit(move || {
                        let _counted = counted;
                    })
                    .await;
                submitted += 1;
            }
            "terminate" => {
                wasm_bindgen_futures::JsFuture::from(call("terminate", &JsValue::UNDEFINED)?).await?;
                release.store(true, SeqCst);
            }
            other => return Err(js_sys::TypeError::new(&format!("unknown way to end the tasks: {other}")).into()),
        }
        for f in queued {
            let _ = f.await;
        }
        Ok(js_sys::Array::of2(&(submitted as u32).into(), &(drops.load(SeqCst) as u32).into()).into())
    })
}
