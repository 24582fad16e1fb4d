#!/usr/bin/env bash
# `npm run demo [-- --keep] [-- --short]`: the seeds' LVS-NAT pair live (client, two kad
# directors, two HTTP real servers) in a user-mode Linux kernel with IPVS: scripts/demo/host.ts.
# `npm run demo -- --vrrp-only`: the VRRP pair alone on the host kernel (scripts/demo-vrrp.sh).
# KAD_DEMO_SHORT=1 is --short (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null # also builds (npm ci, or npm run build)
for a in "$@"; do
  [ "$a" = "--vrrp-only" ] && exec bash scripts/demo-vrrp.sh
done
exec node --import tsx scripts/demo/host.ts "$@"
