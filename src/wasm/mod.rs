//! What exists on wasm32 only, below the Rust API: the `wp_*` exports the JS
//! layer calls (`abi`), the live pools they reach by handle (`pools`), the
//! global allocator that brackets a worker's allocations and keeps its thread
//! heap (`alloc`) and the per-thread panic buffer (`panic`). The task
//! registry the exports resolve names in is `crate::tasks`.

mod abi;
mod alloc;
mod panic;
mod pools;
