//! What [`Pool::submit`](crate::Pool::submit) returns: a future of the
//! closure's result, and the error when there is none.

use js_sys::Reflect;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicPtr, Ordering::Acquire};
use std::sync::Arc;
use std::task::{Context, Poll};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

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

/// The result of [`Pool::submit`](crate::Pool::submit).
pub struct TaskFuture<R> {
    pub(super) inner: Result<JsFuture, JsValue>,
    /// The task's JS `Future` (none if the submit was refused).
    pub(super) js: Option<JsValue>,
    /// Where the job stores its boxed result before the task completes.
    pub(super) out: Arc<AtomicPtr<R>>,
}

impl<R> TaskFuture<R> {
    /// Cancels the task if no worker has started it (the closure is dropped
    /// and the future fails with a `CancelledError`): true if it is
    /// cancelled now. A running task is not stopped.
    pub fn cancel(&self) -> bool {
        let Some(js) = &self.js else { return false };
        Reflect::get(js, &"cancel".into())
            .and_then(|f| f.dyn_into::<js_sys::Function>())
            .and_then(|f| f.call0(js))
            .is_ok_and(|v| v.is_truthy())
    }
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
