#!/usr/bin/env bash
# cargo doc for wasm32 (where the Rust API lives), warnings as errors, then a
# check that the public API made it into the docs.
set -euo pipefail
cd "$(dirname "$0")/.."
unset RUSTFLAGS
export CARGO_TARGET_DIR=target/wasm RUSTDOCFLAGS="-D warnings"
# --features rayon: the optional companion rayon pool (wasmpool::parallel) is documented too.
cargo +nightly doc --no-deps --target wasm32-unknown-unknown -Z build-std=panic_abort,std --features rayon
DOC=target/wasm/wasm32-unknown-unknown/doc/wasmpool
for page in struct.Pool.html fn.register_task.html enum.TaskError.html struct.PoolOptions.html; do
  [ -f "$DOC/$page" ] || { echo "doc-rust: $DOC/$page is missing" >&2; exit 1; }
done
for method in submit map shutdown as_js; do
  grep -q "method.$method" "$DOC/struct.Pool.html" || { echo "doc-rust: Pool::$method is not documented" >&2; exit 1; }
done
echo "doc-rust: documented in $DOC/index.html"
