#!/usr/bin/env bash
# Release wasm build with shared memory, then wasm-bindgen --target web into pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${WASMPOOL_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh
step() { printf '\033[1m[build]\033[0m %s\n' "$*"; }

# The shared-memory rustflags live in .cargo/config.toml, for the wasm target only.
unset RUSTFLAGS
export CARGO_TARGET_DIR=target/wasm
step "cargo build (wasm32, nightly, build-std)"
cargo +nightly build --release --target wasm32-unknown-unknown -Z build-std=panic_abort,std --lib
WASM=target/wasm/wasm32-unknown-unknown/release/wasmpool.wasm
if [ ! -f pkg/wasmpool_bg.wasm ] || [ "$WASM" -nt pkg/wasmpool_bg.wasm ]; then
  step "wasm-bindgen --target web → pkg/"
  .tools/bin/wasm-bindgen --target web --out-dir pkg "$WASM"
fi
# The worker bootstrap as one file: a module worker fetches its whole import
# graph before it runs, and six modules cost a worker ~30 ms more to start.
step "esbuild src/js/worker.js → pkg/worker.js"
node_modules/.bin/esbuild src/js/worker.js --bundle --format=esm --target=es2022 --outfile=pkg/worker.js --log-level=warning
step "pkg/wasmpool_bg.wasm: $(wc -c < pkg/wasmpool_bg.wasm) bytes, pkg/worker.js: $(wc -c < pkg/worker.js) bytes"
