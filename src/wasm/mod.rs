//! What exists on wasm32 only, below the Rust API: the `wp_*` exports the JS
//! layer calls (`abi`), the live pools they reach by handle (`pools`), the
//! global allocator that brackets a worker's allocations and keeps its thread
//! heap (`alloc`), the spin-locked registries shared by every thread
//! (`registry`) and the per-thread panic buffer (`panic`).

mod abi;
mod alloc;
mod panic;
mod pools;
pub(crate) mod registry;
