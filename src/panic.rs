//! Panic messages of Rust code running in a worker.
//!
//! With `panic = "abort"` a panic traps the worker's wasm instance right after
//! the hook runs. The hook writes the message to a fixed per-thread buffer (no
//! allocation: the allocator may be what panicked) that JS reads afterwards
//! through `wp_last_panic` and reports as the task's `PanicError`.

use std::cell::RefCell;
use std::fmt::Write;

const CAP: usize = 2048;

thread_local! {
    static LAST: RefCell<heapless::String> = const { RefCell::new(heapless::String::new()) };
}

mod heapless {
    /// A fixed-capacity string that never allocates.
    pub struct String {
        buf: [u8; super::CAP],
        len: usize,
    }
    impl String {
        pub const fn new() -> Self {
            String { buf: [0; super::CAP], len: 0 }
        }
        pub fn clear(&mut self) {
            self.len = 0;
        }
        pub fn as_str(&self) -> &str {
            // Only whole UTF-8 sequences are ever written (see write_str).
            core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
        }
    }
    impl core::fmt::Write for String {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let mut end = s.len().min(super::CAP - self.len);
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            self.buf[self.len..self.len + end].copy_from_slice(&s.as_bytes()[..end]);
            self.len += end;
            Ok(())
        }
    }
}

/// The panic hook installed in every worker.
pub fn record(info: &std::panic::PanicHookInfo<'_>) {
    LAST.with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            last.clear();
            let _ = write!(last, "{info}");
        }
    });
}

/// The last recorded panic message on this thread.
pub fn last() -> String {
    LAST.with(|last| last.borrow().as_str().to_owned())
}
