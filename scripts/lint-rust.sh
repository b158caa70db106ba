#!/usr/bin/env bash
# Rust habits, warnings as errors: rustfmt (the crate and tests/rust-app), then
# clippy natively (the core and its tests) and for wasm32, with and without the
# demo feature (dead code shows on wasm32, where the exports use the core).
set -euo pipefail
cd "$(dirname "$0")/.."
unset RUSTFLAGS
step() { printf '\033[1m[lint-rust]\033[0m %s\n' "$*"; }

step "cargo fmt --check (wasmpool, tests/rust-app)"
cargo fmt --check
(cd tests/rust-app && cargo fmt --check)

step "cargo clippy --all-targets (native)"
cargo clippy --all-targets -- -D warnings

# The same target dir and flags as scripts/build.sh, to reuse its build cache.
WASM_CLIPPY=(cargo +nightly clippy --release --target wasm32-unknown-unknown -Z build-std=panic_abort,std --lib)
step "cargo clippy (wasm32, --features demo)"
CARGO_TARGET_DIR=target/wasm "${WASM_CLIPPY[@]}" --features demo -- -D warnings
step "cargo clippy (wasm32, default features)"
CARGO_TARGET_DIR=target/wasm "${WASM_CLIPPY[@]}" -- -D warnings
