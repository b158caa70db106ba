#!/usr/bin/env bash
# npm run bench [-- --json FILE]: wasmpool against the anchors in one headless Chromium run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec node bench/run.mjs "$@"
