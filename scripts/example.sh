#!/usr/bin/env bash
# Installs what the project needs and runs one complete research job locally, offline, over the
# sample sources in samples/. Writes out/report.{md,json,html}. Extra arguments go to scripts/example.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
npm install --no-audit --no-fund --loglevel=error
node scripts/example.mjs "$@"
