#!/usr/bin/env bash
# The published package in real apps: `npm pack` the repository, check the
# tarball's file list, install the tarball into fresh example apps (Vite 7,
# webpack 5, a plain <script type="module"> page with an import map), build
# them, and run a browser smoke test of each in headless Chromium and Firefox ESR
# (and the plain page in WebKitGTK, on the message transport); check the
# browser bundles hold no Node.js-only code; and run the README's Node.js
# example (node/main.mjs) from the tarball.
#
#   bash tests/examples/run.sh [vite] [webpack] [plain] [node]    (default: all four)
#   bash tests/examples/run.sh size    (pack, install into the Vite app, measure only)
#
# With vite (and size): package-size.mjs measures what the Vite build emits for
# wasmpool (wasm + worker + wasmpool's page chunk, gzip -9), writes
# target/examples/package-size.json and FAILS past the 50 KB limit.
#
# Work dirs live in target/examples/<app>/. An app's node_modules is kept
# between runs, keyed by a hash of its package.json (and the Node version);
# only the wasmpool tarball is reinstalled each run. Needs pkg/ (scripts/build.sh)
# and the repository's node_modules (playwright-core, puppeteer-core) and Debian's
# Chromium, Firefox ESR (firefox-esr) and WebKitGTK (webkit2gtk-driver).
# Env: EXAMPLES_WORK=<dir> (default target/examples), EXAMPLES_FRESH=1 (drop
# cached node_modules), EXAMPLES_VERBOSE=1 (print every request of each page),
# EXAMPLES_PACKAGE_DIR=<dir> (npm pack that directory instead of the repository:
# a copy with package.json, README.md, src/js/ and pkg/, to try a change),
# EXAMPLES_BROWSERS="chromium firefox webkit" (the browsers of the smoke tests, default all
# three; WebKit runs the plain page only, see smoke()). 
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/tests/examples
WORK=${EXAMPLES_WORK:-$ROOT/target/examples}
LOGS=$WORK/logs
mkdir -p "$WORK" "$LOGS"

log() { printf '\033[1m[examples]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[examples] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }
# elapsed START → seconds with one decimal
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Run a command with its output in a log file; on failure show the log's tail.
quiet() {
  local logfile=$1; shift
  "$@" >"$logfile" 2>&1 && return 0
  local rc=$?
  echo "----- last lines of $logfile -----" >&2
  tail -n 60 "$logfile" >&2
  echo "-----" >&2
  return $rc
}

apps=("$@")
[ ${#apps[@]} -gt 0 ] || apps=(vite webpack plain node)
for app in "${apps[@]}"; do
  [ "$app" = size ] || [ -d "$HERE/$app" ] || die "no example app tests/examples/$app"
done

declare -a SUMMARY=()
failed=0
record() { SUMMARY+=("$(printf '%-8s %-40s %-5s %s' "$1" "$2" "$3" "$4")"); }

# ---------------------------------------------------------------- npm pack
PACKAGE_DIR=$(cd "${EXAMPLES_PACKAGE_DIR:-$ROOT}" && pwd)
for f in pkg/wasmpool_bg.wasm pkg/wasmpool.js pkg/worker.js; do
  [ -f "$PACKAGE_DIR/$f" ] || die "$PACKAGE_DIR/$f is missing: run 'bash scripts/build.sh' first"
done
for m in playwright-core puppeteer-core; do
  [ -d node_modules/$m ] || die "node_modules/$m is missing: run 'npm run setup' first"
done
read -r -a BROWSERS <<<"${EXAMPLES_BROWSERS:-chromium firefox webkit}"

log "npm pack $([ "$PACKAGE_DIR" = "$ROOT" ] && echo "of the repository" || echo "$PACKAGE_DIR") → ${WORK#"$ROOT"/}"
t=$EPOCHREALTIME
rm -f "$WORK"/wasmpool-*.tgz
quiet "$LOGS/pack.log" bash -c 'cd "$1" && npm pack --pack-destination "$2"' _ "$PACKAGE_DIR" "$WORK" || die "npm pack failed"
tarball=$(ls "$WORK"/wasmpool-*.tgz 2>/dev/null | head -n 1)
[ -n "$tarball" ] || die "npm pack produced no wasmpool-*.tgz in $WORK (see $LOGS/pack.log)"
cp "$tarball" "$WORK/wasmpool.tgz"
TGZ=$WORK/wasmpool.tgz
rm -rf "$WORK/package"
tar -xzf "$TGZ" -C "$WORK"
log "tarball $(basename "$tarball"): $(wc -c <"$TGZ") bytes packed, $(tar -tzf "$TGZ" | wc -l) files ($(elapsed "$t")s)"
if node "$HERE/check-tarball.mjs" "$WORK/package"; then
  record pack "npm pack + file-list check" ok "$(elapsed "$t")s, $(wc -c <"$TGZ") bytes"
else
  record pack "npm pack + file-list check" FAIL "see above"
  die "the npm pack tarball has the wrong contents (listed above)"
fi

# ---------------------------------------------------------------- per app
# Copies the template over the work dir, keeping node_modules.
sync_template() {
  local app=$1 dir=$2
  mkdir -p "$dir"
  find "$dir" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name package-lock.json -exec rm -rf {} +
  tar -C "$HERE/$app" --exclude=./node_modules --exclude=./dist -cf - . | tar -C "$dir" -xf -
  # What the apps share: the task module, and (but for the typed Vite app,
  # whose src/main.ts is its TypeScript twin) the smoke page script.
  local src=$dir
  [ -d "$dir/src" ] && src=$dir/src
  cp "$HERE/shared/tasks.js" "$src/"
  [ -f "$src/main.ts" ] || cp "$HERE/shared/smoke-app.js" "$src/"
}

# npm install of the app's own deps (only when its package.json changed), then
# the tarball (every run, --no-save: the templates don't name wasmpool, so npm
# never looks it up in the registry).
install_app() {
  local app=$1 dir=$2 key stamp t
  key=$( { cat "$dir/package.json"; node --version; } | sha256sum | cut -c1-16)
  stamp=$dir/node_modules/.examples-deps-key
  if [ "${EXAMPLES_FRESH:-}" = 1 ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$key" ]; then
    rm -rf "$dir/node_modules" "$dir/package-lock.json"
    t=$EPOCHREALTIME
    log "$app: npm install (first run for this package.json)…"
    if ! (cd "$dir" && quiet "$LOGS/$app-install.log" npm install --no-audit --no-fund); then
      record "$app" "npm install (first run)" FAIL "$(elapsed "$t")s"
      return 1
    fi
    mkdir -p "$dir/node_modules"
    echo "$key" >"$stamp"
    log "$app: npm install (first run, $(elapsed "$t")s)"
    record "$app" "npm install deps (first run)" ok "$(elapsed "$t")s"
  else
    log "$app: npm install skipped (node_modules cached, key $key)"
    record "$app" "npm install deps (cached)" ok "0s"
  fi
  t=$EPOCHREALTIME
  rm -rf "$dir/node_modules/wasmpool"
  if ! (cd "$dir" && quiet "$LOGS/$app-install-tgz.log" npm install --no-audit --no-fund --no-save "$TGZ"); then
    record "$app" "npm install wasmpool.tgz" FAIL "$(elapsed "$t")s"
    return 1
  fi
  # What got installed must be exactly what was packed.
  if ! diff -r -q "$WORK/package" "$dir/node_modules/wasmpool" >"$LOGS/$app-diff.log" 2>&1; then
    cat "$LOGS/$app-diff.log" >&2
    record "$app" "npm install wasmpool.tgz" FAIL "installed files differ from the tarball"
    return 1
  fi
  log "$app: npm install wasmpool.tgz --no-save ($(elapsed "$t")s)"
  record "$app" "npm install wasmpool.tgz" ok "$(elapsed "$t")s"
}

# step APP NAME LOGFILE CMD… — timed, recorded; returns the command's status.
step() {
  local app=$1 name=$2 logfile=$3 t; shift 3
  t=$EPOCHREALTIME
  log "$app: $name…"
  if quiet "$logfile" "$@"; then
    log "$app: $name ok ($(elapsed "$t")s)"
    record "$app" "$name" ok "$(elapsed "$t")s"
  else
    log "$app: $name FAILED ($(elapsed "$t")s, log: $logfile)"
    record "$app" "$name" FAIL "$(elapsed "$t")s"
    return 1
  fi
}

# smoke APP TARGET DIR — the browser test, in each browser of $BROWSERS; its
# node:test output is shown. Fails if it fails in any of them. WebKit runs the
# plain page only: on a page with no isolation header (the message transport,
# the only one WebKit has); the bundled apps run the same package code.
smoke() {
  local app=$1 target=$2 dir=$3 browser ok=0
  for browser in "${BROWSERS[@]}"; do
    if [ "$browser" = webkit ] && [ "$target" != plain ]; then
      log "$app: smoke $target (webkit) not run: WebKit runs the plain page only"
      continue
    fi
    smoke_in "$app" "$target" "$dir" "$browser" || ok=1
  done
  return $ok
}
smoke_in() {
  local app=$1 target=$2 dir=$3 browser=$4 t rc=0 logfile
  logfile=$LOGS/$target-$browser-smoke.log
  t=$EPOCHREALTIME
  log "$app: browser smoke test ($target, $browser)…"
  node "$HERE/smoke.mjs" "$target" "$dir" "$browser" 2>&1 | tee "$logfile" | sed 's/^/    /' || rc=$?
  if [ $rc = 0 ]; then
    log "$app: smoke $target ($browser) passed ($(elapsed "$t")s)"
    record "$app" "smoke $target ($browser)" ok "$(elapsed "$t")s"
  else
    local failing
    failing=$(sed -n 's/^not ok [0-9]* - [a-z-]* ([a-z]*): //p' "$logfile" | sed 's/ (target.*//' | paste -sd ';' -)
    log "$app: smoke $target ($browser) FAILED ($(elapsed "$t")s): ${failing:-see above}"
    record "$app" "smoke $target ($browser)" FAIL "$(elapsed "$t")s; failed: ${failing:-see log}"
    return 1
  fi
}

# no_node_code APP DIST — the browser bundle must not contain wasmpool's
# Node.js runtime (src/js/node/, reachable only through the "node" export
# condition): no worker_threads, no node: imports.
no_node_code() {
  local app=$1 dist=$2 found
  found=$(grep -rlE "worker_threads|[\"']node:[a-z_/]+[\"']|availableParallelism" "$dist" 2>/dev/null || true)
  if [ -n "$found" ]; then
    log "$app: the browser bundle contains Node.js-only code: $found"
    record "$app" "no Node.js code in the bundle" FAIL "$found"
    return 1
  fi
  record "$app" "no Node.js code in the bundle" ok "$(find "$dist" -type f | wc -l) files"
}

# What an app downloads for wasmpool (the size guard): fails past the limit.
package_size() {
  local dir=$1
  if step size "package size (Vite build, gzip -9, limit 50 KB)" "$LOGS/package-size.log" \
    node "$HERE/package-size.mjs" "$dir" --json "$WORK/package-size.json"; then
    sed 's/^/    /' "$LOGS/package-size.log"
  else
    return 1
  fi
}

run_size() {
  package_size "$1"
}

run_vite() {
  local dir=$1 ok=0
  step vite "tsc --noEmit (types from the tarball)" "$LOGS/vite-tsc.log" \
    "$ROOT/node_modules/.bin/tsc" -p "$dir/tsconfig.json" || ok=1
  step vite "vite build" "$LOGS/vite-build.log" bash -c "cd '$dir' && node_modules/.bin/vite build" || return 1
  sed -n '/dist\//p' "$LOGS/vite-build.log" | sed 's/^/    /'
  no_node_code vite "$dir/dist" || ok=1
  package_size "$dir" || ok=1
  smoke vite vite-build "$dir" || ok=1
  rm -rf "$dir/node_modules/.vite"   # dev server: start from a cold dependency cache
  local dev_ok=1
  smoke vite vite-dev "$dir" || { ok=1; dev_ok=0; }
  # Diagnostic, never fatal: is optimizeDeps.exclude still needed? The same
  # config without it, with a cold dependency cache.
  cat >"$dir/vite.no-exclude.config.ts" <<'EOF'
import base from './vite.config.ts';
export default { ...base, optimizeDeps: {}, cacheDir: 'node_modules/.vite-no-exclude' };
EOF
  rm -rf "$dir/node_modules/.vite-no-exclude"
  log "vite: diagnostic: dev server WITHOUT optimizeDeps.exclude…"
  if VITE_CONFIG=vite.no-exclude.config.ts node "$HERE/smoke.mjs" vite-dev "$dir" >"$LOGS/vite-dev-no-exclude.log" 2>&1; then
    log "vite: diagnostic: without optimizeDeps.exclude the dev server works too (the exclude is not needed today)"
    record vite "(diag) vite dev without exclude" info "passes: exclude not needed"
  elif [ $dev_ok = 0 ]; then
    log "vite: diagnostic: without optimizeDeps.exclude the dev server fails, as it does with it: inconclusive"
    record vite "(diag) vite dev without exclude" info "fails, like with it: inconclusive"
  else
    log "vite: diagnostic: without optimizeDeps.exclude the dev server FAILS (the exclude is needed); first problems:"
    grep -E '^ +(result:|HTTP [45]|pageerror|request failed)' "$LOGS/vite-dev-no-exclude.log" | sort -u | head -n 4 | cut -c1-300 | sed 's/^ */    /' || true
    grep -E '^ +[0-9]{3} .*(\.wasm|worker)' "$LOGS/vite-dev-no-exclude.log" | sort -u | head -n 4 | sed 's/^ */    fetched: /' || true
    record vite "(diag) vite dev without exclude" info "fails: exclude needed (${LOGS#"$ROOT"/}/vite-dev-no-exclude.log)"
  fi
  return $ok
}

run_webpack() {
  local dir=$1
  step webpack "webpack build" "$LOGS/webpack-build.log" bash -c "cd '$dir' && node_modules/.bin/webpack" || return 1
  (cd "$dir/dist" && find . -type f -printf '%10s  %P\n' | sort -k2) | sed 's/^/    /'
  local ok=0
  no_node_code webpack "$dir/dist" || ok=1
  smoke webpack webpack "$dir" || ok=1
  return $ok
}

# The README's Node.js example from the tarball: it prints its results and the
# process exits by itself (timeout: a hang guard).
run_node() {
  local dir=$1
  step node "node main.mjs (README example, exits by itself)" "$LOGS/node-run.log" \
    bash -c "cd '$dir' && timeout 120 node main.mjs" || return 1
  sed 's/^/    /' "$LOGS/node-run.log"
  if ! grep -q '"tripled":\[3,6,9\],"sum":5' "$LOGS/node-run.log"; then
    record node "README example output" FAIL "see $LOGS/node-run.log"
    return 1
  fi
  record node "README example output" ok ""
}

run_plain() {
  local dir=$1
  [ -f "$dir/node_modules/wasmpool/src/js/index.js" ] || { record plain "import map target" FAIL "missing"; return 1; }
  smoke plain plain "$dir"
}

for app in "${apps[@]}"; do
  template=$app
  [ "$app" = size ] && template=vite # the size check builds the Vite app
  dir=$WORK/$template
  log "=== $app (work dir ${dir#"$ROOT"/})"
  sync_template "$template" "$dir"
  if ! install_app "$template" "$dir"; then failed=1; continue; fi
  if ! "run_$app" "$dir"; then failed=1; fi
done

echo
log "summary:"
for line in "${SUMMARY[@]}"; do echo "    $line"; done
if [ $failed != 0 ]; then
  log "some example apps FAILED (logs in ${LOGS#"$ROOT"/})"
  exit 1
fi
log "all example apps passed"
