#!/usr/bin/env bash
# The JS/TS formatter and linter (Biome, biome.jsonc): checks, never writes.
# To apply formatting and safe fixes: node_modules/.bin/biome check --write <paths>
set -euo pipefail
cd "$(dirname "$0")/.."
exec node_modules/.bin/biome ci "$@" src/js crates/wasmpool-demo/js www bench tests scripts
