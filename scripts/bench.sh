#!/usr/bin/env bash
# npm run bench [-- --browser chromium|firefox|all] [--runtime browser|node|all] [--json FILE] [--quick]:
# wasmpool against the anchors in headless Chromium and Firefox ESR (default: both, one after
# the other), and in Node.js against piscina, tinypool and workerpool (--runtime node: only that).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec node bench/run.mjs "$@"
