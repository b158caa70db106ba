#!/usr/bin/env bash
# Rust habits, warnings as errors: rustfmt (the crate, the demo crate and
# tests/rust-app), then clippy natively (the core and its tests) and for
# wasm32, with and without the rayon feature (dead code shows on wasm32, where
# the exports use the core), and the demo crate's.
set -euo pipefail
cd "$(dirname "$0")/.."
unset RUSTFLAGS
step() { printf '\033[1m[lint-rust]\033[0m %s\n' "$*"; }

step "cargo fmt --check (wasmpool, crates/wasmpool-demo, tests/rust-app)"
cargo fmt --check
(cd crates/wasmpool-demo && cargo fmt --check)
(cd tests/rust-app && cargo fmt --check)

step "cargo clippy --all-targets (native)"
cargo clippy --all-targets -- -D warnings

# The same target dir and flags as scripts/build.sh, to reuse its build cache.
export CARGO_TARGET_DIR="$PWD/target/wasm"
WASM_CLIPPY=(cargo +nightly clippy --release --target wasm32-unknown-unknown -Z build-std=panic_abort,std --lib)
step "cargo clippy (wasm32, default features: the npm package's build)"
"${WASM_CLIPPY[@]}" -- -D warnings
step "cargo clippy (wasm32, --features rayon)"
"${WASM_CLIPPY[@]}" --features rayon -- -D warnings
step "cargo clippy crates/wasmpool-demo (native: its kernels and their tests; wasm32)"
(cd crates/wasmpool-demo && CARGO_TARGET_DIR="$PWD/../../target" cargo clippy --all-targets -- -D warnings)
(cd crates/wasmpool-demo && "${WASM_CLIPPY[@]}" -- -D warnings)
