#!/usr/bin/env bash
# `npm run bench`: runs every benchmark in test/bench/ side by side with keepalived and prints
# the tables recorded in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
shopt -s nullglob
status=0
for b in test/bench/*.bench.ts; do
  echo "== $b"
  npx tsx "$b" || status=1
done
exit $status
