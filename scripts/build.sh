#!/usr/bin/env bash
# Release wasm build with shared memory, then wasm-bindgen --target web into pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${WASMPOOL_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh
step() { printf '\033[1m[build]\033[0m %s\n' "$*"; }

# Shared memory needs these flags; they live here, not in .cargo/config.toml,
# so native `cargo test` builds are unaffected.
export RUSTFLAGS='-C target-feature=+atomics,+bulk-memory,+mutable-globals -C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=1073741824 -C link-arg=--export=__heap_base -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base'
export CARGO_TARGET_DIR=target/wasm
step "cargo build (wasm32, nightly, build-std)"
cargo +nightly build --release --target wasm32-unknown-unknown -Z build-std=panic_abort,std --lib
WASM=target/wasm/wasm32-unknown-unknown/release/wasmpool.wasm
if [ ! -f pkg/wasmpool_bg.wasm ] || [ "$WASM" -nt pkg/wasmpool_bg.wasm ]; then
  step "wasm-bindgen --target web → pkg/"
  .tools/bin/wasm-bindgen --target web --out-dir pkg "$WASM"
fi
step "pkg/wasmpool_bg.wasm: $(wc -c < pkg/wasmpool_bg.wasm) bytes"
