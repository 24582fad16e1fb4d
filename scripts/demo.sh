#!/usr/bin/env bash
# `npm run demo`: the live lab. Until the VRRP lab lands this checks the sample config inside a
# throw-away network namespace that holds the interface the sample names.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
ns="kaddemo$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link add eth0 type dummy
ip -n "$ns" link set eth0 up
ip netns exec "$ns" ./bin/kad.js -t -f keepalived.conf.sample
echo "demo: keepalived.conf.sample is valid"
