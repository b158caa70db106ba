#!/usr/bin/env bash
# One idempotent setup step used by every entry point (build, demo, test, bench, CI).
# A second run only checks what is there and downloads nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WB_VERSION="$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ -n "$WB_VERSION" ] || { echo "setup: cannot read the pinned wasm-bindgen version from Cargo.toml" >&2; exit 1; }
step() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. Rust: nightly with rust-src, clippy, rustfmt and the wasm target (rust-toolchain.toml selects nightly).
if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  step "rustup: installing nightly rust-src"
  rustup toolchain install nightly --profile minimal >/dev/null 2>&1 || true
  rustup component add rust-src --toolchain nightly
fi
for component in clippy rustfmt; do
  if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q "^$component"; then
    step "rustup: installing nightly $component"
    rustup component add "$component" --toolchain nightly
  fi
done
if ! rustup target list --toolchain nightly --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  step "rustup: adding target wasm32-unknown-unknown to nightly"
  rustup target add wasm32-unknown-unknown --toolchain nightly
fi

# 2. wasm-bindgen-cli, exactly the version Cargo.toml pins, in a project-local root.
WB="$ROOT/.tools/bin/wasm-bindgen"
if [ ! -x "$WB" ] || [ "$("$WB" --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  step "cargo install wasm-bindgen-cli $WB_VERSION into .tools (takes ~4 minutes once)"
  # No --locked: the registry here lacks one of its pinned dependencies.
  cargo +stable install wasm-bindgen-cli --version "$WB_VERSION" --root "$ROOT/.tools" --force
fi

# 3. Chromium for the browser tests, and chromedriver for the Rust-side ones
#    (wasm-bindgen-test-runner drives the browser through WebDriver):
#    CHROME_PATH/CHROMEDRIVER, else Debian's packages, else apt-get them.
find_chrome() {
  for c in "${CHROME_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}
find_chromedriver() {
  for c in "${CHROMEDRIVER:-}" "$(command -v chromedriver 2>/dev/null)" /usr/bin/chromedriver; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}
if ! find_chrome >/dev/null || ! find_chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "apt-get: installing chromium and chromium-driver (~1 minute)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "setup: no Chrome/Chromium or chromedriver found. Install Debian's 'chromium' and 'chromium-driver' packages, or set CHROME_PATH and CHROMEDRIVER." >&2
    exit 1
  fi
fi

# 4. Firefox ESR for the browser tests' second run (driven by puppeteer-core
#    over WebDriver BiDi): FIREFOX_PATH, else Debian's firefox-esr, else apt-get it.
find_firefox() {
  for c in "${FIREFOX_PATH:-}" /usr/bin/firefox-esr /usr/bin/firefox; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}
if ! find_firefox >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "apt-get: installing firefox-esr (~1 minute)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq firefox-esr >/dev/null
  else
    echo "setup: no Firefox found. Install Debian's 'firefox-esr' package, or set FIREFOX_PATH." >&2
    exit 1
  fi
fi

# 5. WebKit for the browser tests' third run: WebKitGTK's MiniBrowser driven
#    through WebKitWebDriver (W3C WebDriver classic), on a virtual X display
#    (Xvfb: MiniBrowser has no headless mode). Debian's webkit2gtk-driver
#    brings libwebkit2gtk-4.1 and its MiniBrowser; xvfb brings Xvfb.
find_webkit() {
  for c in "${WEBKIT_WEBDRIVER:-}" /usr/bin/WebKitWebDriver; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}
if ! find_webkit >/dev/null || ! command -v Xvfb >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "apt-get: installing webkit2gtk-driver and xvfb (~1 minute)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq webkit2gtk-driver xvfb >/dev/null
  else
    echo "setup: no WebKitWebDriver or Xvfb found. Install Debian's 'webkit2gtk-driver' and 'xvfb' packages, or set WEBKIT_WEBDRIVER." >&2
    exit 1
  fi
fi

# 6. npm packages (playwright-core, puppeteer-core, the bench competitors, binaryen (wasm-opt for the build),
#    typescript, typedoc for npm run docs). Never downloads a browser.
LOCK_SUM="$(cat package.json package-lock.json 2>/dev/null | sha1sum | cut -c1-40)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.wasmpool-setup 2>/dev/null)" != "$LOCK_SUM" ]; then
  step "npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_SUM" > node_modules/.wasmpool-setup
fi
step "ready in ${SECONDS}s (chromium: $(find_chrome), firefox: $(find_firefox), webkit: $(find_webkit), wasm-bindgen $WB_VERSION)"
