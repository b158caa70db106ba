#!/usr/bin/env bash
# npm run bench [-- --browser chromium|firefox|all] [--json FILE] [--quick]: wasmpool against
# the anchors in headless Chromium and Firefox ESR (default: both, one after the other).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec node bench/run.mjs "$@"
