#!/usr/bin/env bash
# npm run demo: build, then serve www/ with COOP/COEP on 127.0.0.1 and print the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec node scripts/serve.mjs "$@"
