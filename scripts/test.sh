#!/usr/bin/env bash
# npm test: native Rust tests of the scheduling core, then browser tests in
# real headless Chromium, Firefox ESR and WebKitGTK, and the same suites on
# Node.js. Every suite runs; the exit code says if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
WASMPOOL_SKIP_SETUP=1 bash scripts/build.sh || exit 1

grep_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --grep) grep_args+=("--test-name-pattern=$2"); shift 2 ;;
    *) shift ;;
  esac
done

# A test that hangs fails after 10 minutes (its file's process is ended), so
# a hang costs its suite, not the whole run's time limit; each evaluation in a
# page fails sooner, with what the page shows (tests/browser/harness.mjs).
node_test=(node --test --test-concurrency=1 --test-timeout=600000)

failed=0
suite() {
  local name="$1"; shift
  printf '\033[1m[test]\033[0m %s\n' "$name"
  # No suite takes 10 minutes here; one that hangs somewhere no test timeout
  # reaches is stopped at 20.
  if timeout --kill-after=30 1200 "$@"; then echo "[test] $name: passed"; else echo "[test] $name: failed"; failed=1; fi
}

suite "rust (native cargo test)" cargo test --lib --tests
suite "rust (native cargo test, crates/wasmpool-demo kernels)" \
  bash -c 'cd crates/wasmpool-demo && CARGO_TARGET_DIR="$PWD/../../target" cargo test --lib'
suite "rust (fmt, clippy native + wasm32)" bash scripts/lint-rust.sh
suite "rust (cargo doc, wasm32, warnings are errors)" bash scripts/doc-rust.sh
suite "rust (wasm-bindgen-test in headless Chromium)" bash scripts/test-rust-web.sh
if [ "${CI:-}" = true ]; then
  # The bundles for Rust crates (src/js/bundled) are committed; the build just
  # regenerated them from src/js, so any difference means they were stale.
  suite "src/js/bundled matches src/js" git diff --exit-code --stat -- src/js/bundled
fi
mapfile -t node_tests < <(find tests/node -name '*.test.mjs' 2>/dev/null | sort)
if [ ${#node_tests[@]} -gt 0 ]; then
  suite "node (unit: future, map, waiting, codec, exports)" node --test "${grep_args[@]}" "${node_tests[@]}"
fi
suite "js (biome lint + format check)" bash scripts/lint-js.sh
suite "types (tsc --noEmit)" node_modules/.bin/tsc -p tests/types/tsconfig.json
# The JSDoc of src/js checked by tsc, and index.d.ts against the modules.
suite "types (tsc --checkJs over src/js)" node scripts/check-js-types.mjs
suite "docs (API reference builds without warnings)" npm run --silent docs
# The benchmark tables of README.md and docs/ are bench/results/latest.json's
# (scripts/perf-tables.mjs; npm run docs:tables rewrites them).
suite "docs (perf tables match bench/results/latest.json)" node --test tests/docs/perf-tables.test.mjs
mapfile -t browser_tests < <(find tests/browser -name '*.test.mjs' | sort)
# The browser suites run once per target, browser:transport (tests/browser/harness.mjs
# picks the driver by WASMPOOL_BROWSER; WASMPOOL_TRANSPORT=message serves plain pages,
# where pools run the message transport). WebKit runs the message transport only:
# WebKitGTK has no SharedArrayBuffer even on a cross-origin isolated page.
# WASMPOOL_TARGETS="webkit:message" (space-separated) runs a subset.
TARGETS=(
  chromium:shared
  chromium:message
  firefox:shared
  firefox:message
  webkit:message
  node:shared
)
[ -n "${WASMPOOL_TARGETS:-}" ] && read -r -a TARGETS <<<"$WASMPOOL_TARGETS"
declare -A labels=()
label_of() { # sets labels[browser], the installed version's label ('Chromium 156'), asked once
  local browser="$1"
  if [ -z "${labels[$browser]:-}" ]; then
    labels[$browser]="$(WASMPOOL_BROWSER=$browser node --input-type=module \
      -e "import { browserLabel, closeAll } from './tests/browser/harness.mjs'; console.log(await browserLabel()); await closeAll();" \
      2>/dev/null)" || labels[$browser]=""
    [ -n "${labels[$browser]}" ] || labels[$browser]="$browser (cannot start)"
  fi
}
for target in "${TARGETS[@]}"; do
  browser="${target%%:*}" transport="${target#*:}"
  # node (below) is a runtime, not a browser.
  [ "$browser" = node ] && continue
  label_of "$browser"
  WASMPOOL_BROWSER=$browser WASMPOOL_TRANSPORT=$transport suite "browser (${labels[$browser]}, $transport)" \
    "${node_test[@]}" "${grep_args[@]}" "${browser_tests[@]}"
done
# The same suites against wasmpool's Node.js runtime (worker_threads): each
# "page" is a Node.js process (tests/drivers/node.mjs); tests that need a DOM
# or a non-isolated page skip with the reason. tests/node-runtime: what only a
# Node.js process has (exiting by itself, keepAlive, module paths).
[[ " ${TARGETS[*]} " == *" node:shared "* ]] && WASMPOOL_BROWSER=node suite "node (worker_threads)" "${node_test[@]}" "${grep_args[@]}" \
  "${browser_tests[@]}" tests/node-runtime/*.test.mjs
# Every JavaScript block of README.md and docs/ runs (tests/docs/examples.test.mjs).
# The blocks use the public API, which the browser suites above already test
# on every target: what is checked here is the docs, so one browser target
# (the first of TARGETS, chromium:shared by default) and Node.js (where the
# `js node` blocks run) are enough, a few seconds each instead of six runs.
docs_target=""
for target in "${TARGETS[@]}"; do [ "${target%%:*}" != node ] && docs_target="$target" && break; done
if [ -n "$docs_target" ]; then
  browser="${docs_target%%:*}" transport="${docs_target#*:}"
  label_of "$browser"
  WASMPOOL_BROWSER=$browser WASMPOOL_TRANSPORT=$transport suite "docs (code blocks in ${labels[$browser]}, $transport)" \
    "${node_test[@]}" "${grep_args[@]}" tests/docs/examples.test.mjs
fi
[[ " ${TARGETS[*]} " == *" node:shared "* ]] && WASMPOOL_BROWSER=node suite "docs (code blocks in Node.js)" \
  "${node_test[@]}" "${grep_args[@]}" tests/docs/examples.test.mjs
if [ -f tests/examples/run.sh ]; then
  suite "examples (packaged tarball in Vite, webpack, plain page)" bash tests/examples/run.sh
fi
exit $failed
