//! What exists on wasm32 only, below the Rust API: the `wp_*` exports the JS
//! layer calls (`abi`), the global allocator that brackets a worker's
//! allocations (`alloc`), the spin-locked registries shared by every thread
//! (`registry`) and the per-thread panic buffer (`panic`).

mod abi;
mod alloc;
mod panic;
pub(crate) mod registry;
