//! An application crate built on wasmpool: a parallel prime count with Rust
//! closures on a pool of its own, the same count with rayon's `par_iter`
//! inside a pool task (wasmpool's `rayon` feature), and a Rust task JS can
//! call by name.

/// Whether `n` is prime (trial division: deliberately CPU-bound).
pub fn is_prime(n: u32) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}

/// Primes below `n`, counted on one thread (the reference).
pub fn count_primes_serial(n: u32) -> u32 {
    (0..n).filter(|&k| is_prime(k)).count() as u32
}

#[cfg(target_arch = "wasm32")]
mod web {
    use rayon::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasmpool::Pool;

    /// Primes below `n`, counted on a pool of `workers` threads: the range is
    /// split into blocks and `Pool::map` runs them as Rust closures.
    #[wasm_bindgen]
    pub async fn count_primes(n: u32, workers: u32) -> Result<u32, JsValue> {
        let pool = Pool::new(workers)?;
        let blocks: Vec<(u32, u32)> = (0..n).step_by(1000).map(|a| (a, (a + 1000).min(n))).collect();
        let counts = pool
            .map(&blocks, |&(a, b)| (a..b).filter(|&k| super::is_prime(k)).count() as u32)
            .await
            .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
        pool.shutdown().await?;
        Ok(counts.iter().sum())
    }

    /// Primes below `n`, counted with rayon's `par_iter` on the companion
    /// rayon pool (start it first: `wasmpool::parallel::init_thread_pool`, or
    /// `initThreadPool(n)` from JS). rayon blocks its caller, and the page's
    /// thread must never block, so the count runs inside a pool task.
    #[wasm_bindgen]
    pub async fn count_primes_rayon(n: u32) -> Result<u32, JsValue> {
        let pool = Pool::new(1)?;
        let count = pool
            .submit(move || (0..n).into_par_iter().filter(|&k| super::is_prime(k)).count() as u32)
            .await
            .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
        pool.shutdown().await?;
        Ok(count)
    }

    /// Makes `is_prime` a task JS can submit by name: `pool.submit('is_prime', 97)`.
    #[wasm_bindgen]
    pub fn register_tasks() {
        wasmpool::register_task("is_prime", |args| {
            let n: u32 = serde_wasm_bindgen::from_value(args.get(0))?;
            Ok(JsValue::from_bool(super::is_prime(n)))
        });
    }
}

#[cfg(target_arch = "wasm32")]
pub use web::{count_primes, count_primes_rayon, register_tasks};
