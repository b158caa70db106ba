#!/usr/bin/env bash
# Rust-side browser tests: wasm-bindgen-test in headless Chromium through
# chromedriver, the way a crate depending on wasmpool runs its own tests.
#  - tests/web.rs: the crate's Rust API (Pool::new, submit, map, panics, JS tasks);
#  - tests/rust-app: a separate crate depending on wasmpool by path, with tests.
# The runner serves pages with COOP/COEP, so shared memory works.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
unset RUSTFLAGS
export CARGO_TARGET_DIR="$ROOT/target/wasm"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$ROOT/.tools/bin/wasm-bindgen-test-runner"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/tests/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
# cargo builds test harnesses with panic=unwind whatever the profile says, and a
# profile's panic=abort would then build std twice ("duplicate lang item"):
# leave it unset, wasm32-unknown-unknown aborts on panic by default anyway.
export CARGO_PROFILE_RELEASE_PANIC=unwind
WASM_TEST=(cargo +nightly test --release --target wasm32-unknown-unknown -Z build-std=panic_abort,std)

printf '\033[1m[rust-web]\033[0m %s\n' "wasmpool tests/web.rs"
"${WASM_TEST[@]}" --test web "$@"
printf '\033[1m[rust-web]\033[0m %s\n' "tests/rust-app (a crate depending on wasmpool)"
(cd tests/rust-app && "${WASM_TEST[@]}" --test web "$@")
