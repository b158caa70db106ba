//! Panic messages of Rust code running in a worker.
//!
//! With `panic = "abort"` a panic traps the worker's wasm instance right after
//! the hook runs, and a trapped instance should not be called again. So the
//! hook writes the message into a fixed per-thread buffer (no allocation: the
//! allocator may be what panicked) whose address the worker learned at start,
//! and JS reads it straight from memory to build the task's `PanicError`.

use std::cell::UnsafeCell;
use std::fmt::Write;
use std::sync::Once;

const CAP: usize = 1020;

/// `len` then UTF-8 bytes; `repr(C)` because JS reads it.
#[repr(C)]
struct PanicBuffer {
    len: UnsafeCell<u32>,
    buf: UnsafeCell<[u8; CAP]>,
}

thread_local! {
    static LAST: PanicBuffer = const { PanicBuffer { len: UnsafeCell::new(0), buf: UnsafeCell::new([0; CAP]) } };
}

struct Writer<'a>(&'a PanicBuffer);

impl Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        // SAFETY: only this thread touches its buffer while it is running.
        let (len, buf) = unsafe { (&mut *self.0.len.get(), &mut *self.0.buf.get()) };
        let mut end = s.len().min(CAP - *len as usize);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        buf[*len as usize..*len as usize + end].copy_from_slice(&s.as_bytes()[..end]);
        *len += end as u32;
        Ok(())
    }
}

/// The panic hook installed in every worker.
pub(crate) fn record(info: &std::panic::PanicHookInfo<'_>) {
    LAST.with(|last| {
        // SAFETY: as above.
        unsafe { *last.len.get() = 0 };
        let _ = write!(Writer(last), "{}", info.payload_as_str().unwrap_or("Box<dyn Any>"));
        if let Some(loc) = info.location() {
            let _ = write!(Writer(last), " (at {}:{})", loc.file(), loc.line());
        }
    });
}

/// Address of this thread's buffer: `u32` length, then the bytes.
pub(crate) fn buffer_address() -> u32 {
    LAST.with(|last| last as *const PanicBuffer as u32)
}

/// Installs [`record`] as the panic hook of this memory's threads, once.
/// The page does it when it creates a pool, before any of the pool's workers
/// starts, so a worker only ever finds the hook installed: a load, no lock.
/// (`set_hook` write-locks std's hook `RwLock`, and workers starting together
/// that each installed it could block on that lock for good: bench/NOTES.md,
/// "Thread start".)
/// A message-transport worker has a memory of its own, whose first call
/// installs it uncontended.
pub fn install_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| std::panic::set_hook(Box::new(record)));
}
