#!/usr/bin/env bash
# `npm test`: installs what the tests need, builds, then runs the whole suite (unit, lint,
# integration in network namespaces, kernel tests under user-mode Linux). Root-only tests skip
# loudly when not root. The JSON report goes to .vitest-report.json for .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec npx vitest run --reporter=default --reporter=json --outputFile.json=.vitest-report.json "$@"
