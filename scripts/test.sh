#!/usr/bin/env bash
# `npm test`: installs what the tests need, builds, then runs the whole suite (unit, lint,
# integration in network namespaces, kernel tests under user-mode Linux). Root-only tests skip
# loudly when not root. The JSON report goes to .vitest-report.json for .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The tests start Node thousands of times (every kad, kad -t, child): NODE_EXTRA_CA_CERTS, which
# the install step may need for the registry, makes each start read and parse that CA bundle
# (about 80 ms of CPU here); kad under its systemd unit runs without it, and so do the tests.
exec env -u NODE_EXTRA_CA_CERTS npx vitest run --reporter=default --reporter=json --outputFile.json=.vitest-report.json "$@"
