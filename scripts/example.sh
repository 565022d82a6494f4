#!/usr/bin/env bash
# Installs what the project needs and runs one complete research job locally and offline with the CLI:
# it starts a local Worker, researches the sample sources in samples/, prints the live progress and
# writes out/<job-id>.{md,json,html}. Extra arguments go to `research-swarm research`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
# `npm install` also builds the command into dist/ (the package's prepare script).
npm install --no-audit --no-fund --no-update-notifier --loglevel=error
node dist/cli.js research "How do air-source heat pumps perform in cold climates, and what limits their efficiency?" \
	--source samples --out out "$@"
