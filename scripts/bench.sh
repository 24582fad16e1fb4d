#!/usr/bin/env bash
# `npm run bench [-- --quick] [-- --only NAME,...]`: runs every benchmark in test/bench/ side by
# side with keepalived (test/bench/run.ts: progress, time bounds, machine record) and regenerates
# the generated tables of docs/benchmarks.md and docs/failover-latency.svg.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec node --import tsx test/bench/run.ts "$@"
