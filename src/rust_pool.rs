//! The Rust API: run Rust closures on a wasmpool pool from Rust code on the page.
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

use js_sys::{Array, Function, Promise, Reflect};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering::*};
use std::sync::Arc;
use std::task::{Context, Poll};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

type Job = Box<dyn FnOnce() + Send>;

/// Why a task submitted from Rust did not produce its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// The closure panicked (the worker was replaced).
    Panicked(String),
    /// The task was cancelled, the pool shut down, or the worker died.
    Failed { name: String, message: String },
}

impl std::fmt::Display for TaskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TaskError::Panicked(m) => write!(f, "task panicked: {m}"),
            TaskError::Failed { name, message } => write!(f, "{name}: {message}"),
        }
    }
}

impl std::error::Error for TaskError {}

impl From<JsValue> for TaskError {
    fn from(e: JsValue) -> Self {
        let get = |k: &str| Reflect::get(&e, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        let (name, message) = (get("name"), get("message"));
        if name == "PanicError" {
            TaskError::Panicked(message)
        } else {
            TaskError::Failed { name, message }
        }
    }
}

// Pending closures, by address (spin lock: the page's thread must not block).
static LOCK: AtomicBool = AtomicBool::new(false);
static mut PENDING: Vec<u32> = Vec::new();

fn with_pending<R>(f: impl FnOnce(&mut Vec<u32>) -> R) -> R {
    while LOCK.compare_exchange_weak(false, true, Acquire, Relaxed).is_err() {
        core::hint::spin_loop();
    }
    // SAFETY: the spin lock gives exclusive access.
    let r = f(unsafe { &mut *core::ptr::addr_of_mut!(PENDING) });
    LOCK.store(false, Release);
    r
}

/// The built-in task that runs a closure submitted from Rust.
pub(crate) fn run_closure(args: Array) -> Result<JsValue, JsValue> {
    let address = args.get(0).as_f64().map(|a| a as u32).unwrap_or(0);
    let known = with_pending(|p| match p.iter().position(|a| *a == address) {
        Some(i) => {
            p.swap_remove(i);
            true
        }
        None => false,
    });
    if !known {
        return Err(js_sys::TypeError::new("__wasmpool_closure: not a pending Rust closure").into());
    }
    // SAFETY: registered by `Pool::submit` from `Box::into_raw`, taken once.
    let job = unsafe { Box::from_raw(address as *mut Job) };
    job();
    Ok(JsValue::UNDEFINED)
}

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
        Pool::with_options(&crate::PoolOptions { workers: Some(workers), ..Default::default() })
    }

    /// [`Pool::new`] with more options.
    pub fn with_options(options: &crate::PoolOptions) -> Result<Pool, JsValue> {
        Pool::from_js(crate::embedded::create(options)?)
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
        let address = Box::into_raw(Box::new(job)) as u32;
        with_pending(|p| p.push(address));
        let future = self
            .submit
            .call2(&self.js, &"__wasmpool_closure".into(), &JsValue::from(address))
            .map(|f| Promise::resolve(&f));
        TaskFuture { inner: future.map(JsFuture::from), out }
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

/// The result of [`Pool::submit`].
pub struct TaskFuture<R> {
    inner: Result<JsFuture, JsValue>,
    out: Arc<AtomicPtr<R>>,
}

impl<R> Future for TaskFuture<R> {
    type Output = Result<R, TaskError>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let inner = match &mut this.inner {
            Ok(f) => f,
            Err(e) => return Poll::Ready(Err(TaskError::from(e.clone()))),
        };
        match Pin::new(inner).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Err(TaskError::from(e))),
            Poll::Ready(Ok(_)) => {
                let r = this.out.swap(core::ptr::null_mut(), Acquire);
                if r.is_null() {
                    return Poll::Ready(Err(TaskError::Failed {
                        name: "Error".into(),
                        message: "the task produced no result".into(),
                    }));
                }
                // SAFETY: stored once by the job from `Box::into_raw`.
                Poll::Ready(Ok(*unsafe { Box::from_raw(r) }))
            }
        }
    }
}

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
