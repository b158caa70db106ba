//! Wait and wake on a 32-bit word, the one blocking primitive of the pool.
//!
//! On wasm this is `memory.atomic.wait32` / `memory.atomic.notify`, the same
//! operations as JS `Atomics.wait` / `Atomics.notify`, so a word can be waited
//! on from Rust in a worker and woken from JS on the page (and the reverse with
//! `Atomics.waitAsync`). Natively it is the OS futex, for the tests.
//!
//! Only workers call [`wait`]: the browser's main thread traps on
//! `memory.atomic.wait32`, which is why the main thread's side of every
//! handshake is written in JS with `Atomics.waitAsync`.

use core::sync::atomic::AtomicU32;

/// Blocks while `*word == expected`, for at most `timeout_ms` (None: forever).
/// May return spuriously; callers re-check their condition.
#[cfg(target_arch = "wasm32")]
pub(crate) fn wait(word: &AtomicU32, expected: u32, timeout_ms: Option<u32>) {
    let ns: i64 = match timeout_ms {
        Some(ms) => ms as i64 * 1_000_000,
        None => -1,
    };
    // SAFETY: the pointer is a valid, aligned i32 in linear memory.
    unsafe {
        core::arch::wasm32::memory_atomic_wait32(word.as_ptr() as *mut i32, expected as i32, ns);
    }
}

/// Wakes up to `count` threads waiting on `word`.
#[cfg(target_arch = "wasm32")]
pub(crate) fn wake(word: &AtomicU32, count: u32) {
    // SAFETY: as above.
    unsafe {
        core::arch::wasm32::memory_atomic_notify(word.as_ptr() as *mut i32, count);
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn wait(word: &AtomicU32, expected: u32, timeout_ms: Option<u32>) {
    match timeout_ms {
        // atomic-wait has no timeout; the few callers that pass one only use it
        // as a safety net, so a short sleep-and-recheck is equivalent natively.
        Some(ms) => {
            if word.load(core::sync::atomic::Ordering::SeqCst) == expected {
                std::thread::sleep(std::time::Duration::from_millis(ms.min(1) as u64));
            }
        }
        None => atomic_wait::wait(word, expected),
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn wake(word: &AtomicU32, count: u32) {
    if count == 1 {
        atomic_wait::wake_one(word);
    } else {
        atomic_wait::wake_all(word);
    }
}
