//! [`Pool`]: run Rust closures on a wasmpool pool from Rust code on the page.
//!
//! ```ignore
//! let pool = wasmpool::Pool::from_js(js_pool);           // a JS `Pool`
//! let answer = pool.submit(|| expensive(42)).await?;     // any Send closure
//! let squares = pool.map(&[1u64, 2, 3], |x| x * x).await?; // data-parallel map
//! ```
//!
//! A closure is boxed in the shared memory and its address travels as the
//! argument of the built-in task `__wasmpool_closure`; the worker that claims
//! it runs it and stores the result next to it; the Rust future resolves when
//! the task's JS Future does. Addresses are registered while pending, so a
//! page script cannot make a worker call an arbitrary address.

use super::{embedded, PoolOptions, TaskError, TaskFuture};
use crate::tasks::closure::{self, Job};
use js_sys::{Function, Promise, Reflect};
use std::cell::OnceCell;
use std::sync::atomic::{AtomicPtr, Ordering::Release};
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A handle on a JS `Pool`, for Rust code on the page.
#[derive(Clone)]
pub struct Pool {
    js: JsValue,
    submit: Function,
}

impl Pool {
    /// Starts a pool of `workers` Web Workers on this crate's own wasm module
    /// and memory (the JS layer ships inside the crate; no npm package needed).
    /// The page must be cross-origin isolated.
    pub fn new(workers: u32) -> Result<Pool, JsValue> {
        Pool::with_options(&PoolOptions { workers: Some(workers), ..Default::default() })
    }

    /// [`Pool::new`] with more options.
    pub fn with_options(options: &PoolOptions) -> Result<Pool, JsValue> {
        Pool::from_js(embedded::create(options)?)
    }

    /// Wraps a JS `Pool` object (one the page created with the npm package
    /// on this same module, or [`Pool::as_js`] of another).
    pub fn from_js(pool: JsValue) -> Result<Pool, JsValue> {
        let submit: Function = Reflect::get(&pool, &"submit".into())?.dyn_into()?;
        Ok(Pool { js: pool, submit })
    }

    /// The JS `Pool` object: hand it to JavaScript to submit JS tasks too.
    pub fn as_js(&self) -> &JsValue {
        &self.js
    }

    /// Resolves when every worker has started.
    pub async fn ready(&self) -> Result<(), JsValue> {
        let ready = Reflect::get(&self.js, &"ready".into())?;
        JsFuture::from(Promise::resolve(&ready)).await.map(drop)
    }

    /// Lets running and queued tasks finish, then stops the workers.
    pub async fn shutdown(&self) -> Result<(), JsValue> {
        self.call_async("shutdown").await
    }

    /// Stops the workers now; unfinished tasks fail.
    pub async fn terminate(&self) -> Result<(), JsValue> {
        self.call_async("terminate").await
    }

    async fn call_async(&self, method: &str) -> Result<(), JsValue> {
        let f: Function = Reflect::get(&self.js, &method.into())?.dyn_into()?;
        JsFuture::from(Promise::resolve(&f.call0(&self.js)?)).await.map(drop)
    }

    /// Runs `f` on a worker; resolves to its result.
    pub fn submit<F, R>(&self, f: F) -> TaskFuture<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let out = Arc::new(AtomicPtr::<R>::new(core::ptr::null_mut()));
        let slot = out.clone();
        let job: Job = Box::new(move || {
            let r = Box::into_raw(Box::new(f()));
            slot.store(r, Release);
        });
        let (address, ticket) = closure::pend(job);
        let js = self.submit.call2(&self.js, &closure::TASK_NAME.into(), &JsValue::from(address));
        // However the task ends, a closure it did not run is dropped then.
        let watched =
            js.as_ref().map_err(Clone::clone).and_then(|future| discard_when_settled(future, address, ticket));
        if watched.is_err() {
            closure::discard(address, ticket); // refused (the pool is shut down): it never will run
        }
        let inner = js.as_ref().map(|f| JsFuture::from(Promise::resolve(f))).map_err(Clone::clone);
        TaskFuture { inner, js: js.ok(), out }
    }

    /// `f` over every item, in parallel chunks (one task per chunk of about
    /// `len / (4 × workers)` items); results in input order.
    pub async fn map<T, R, F>(&self, items: &[T], f: F) -> Result<Vec<R>, TaskError>
    where
        T: Clone + Send + 'static,
        R: Send + 'static,
        F: Fn(&T) -> R + Send + Sync + Clone + 'static,
    {
        let workers = Reflect::get(&self.js, &"workers".into()).ok().and_then(|v| v.as_f64()).unwrap_or(2.0) as usize;
        let chunk = items.len().div_ceil(4 * workers.max(1)).max(1);
        let futures: Vec<_> = items
            .chunks(chunk)
            .map(|c| {
                let c = c.to_vec();
                let f = f.clone();
                self.submit(move || c.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for fut in futures {
            out.extend(fut.await?);
        }
        Ok(out)
    }
}

thread_local! {
    /// One JS function for every submit: `closure::discard`, bound to a
    /// closure's address and ticket per task.
    static DISCARD: OnceCell<Function> = const { OnceCell::new() };
}

/// Has the JS `future` drop the closure submit `ticket` boxed at `address`
/// when it settles, unless a worker took it (`Future.addDoneCallback`, called
/// at once if it already settled).
fn discard_when_settled(future: &JsValue, address: u32, ticket: u32) -> Result<(), JsValue> {
    let discard = DISCARD.with(|d| {
        d.get_or_init(|| Closure::<dyn Fn(u32, u32)>::new(closure::discard).into_js_value().unchecked_into()).clone()
    });
    let callback = discard.bind2(&JsValue::NULL, &JsValue::from(address), &JsValue::from(ticket));
    let add: Function = Reflect::get(future, &"addDoneCallback".into())?.dyn_into()?;
    add.call1(future, &callback).map(drop)
}
