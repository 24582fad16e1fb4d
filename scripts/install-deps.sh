#!/usr/bin/env bash
# Installs what kad's tests and demo need on a fresh Debian 12 machine (root): system packages
# from Debian and the npm dependencies. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  iproute2 tcpdump keepalived ipvsadm user-mode-linux kmod dnsmasq-base
  python3 iputils-ping procps psmisc curl openssl systemd gcc make libc6-dev linux-libc-dev passwd
  nftables libnftables1 lintian systemd-container dpkg-dev binutils man-db prometheus bird2
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: need root to install: ${missing[*]}" >&2
    # CI is root and must have everything: a missing package there is a failure, not a skip.
    [ "${CI:-}" = "true" ] && exit 1
  else
    echo "install-deps: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Another apt run (a parallel test run installing the same) holds the lock: wait for it.
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || { echo "install-deps: apt-get update failed" >&2; exit 1; }
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || { echo "install-deps: apt-get install ${missing[*]} failed" >&2; exit 1; }
    # Debian's keepalived unit would start a daemon on install; tests run their own.
    systemctl disable --now keepalived >/dev/null 2>&1 || true
    pkill -x keepalived 2>/dev/null || true
    # Only promtool is used (promtool check metrics); the server Debian enables is not wanted.
    systemctl disable --now prometheus >/dev/null 2>&1 || rm -f /etc/systemd/system/multi-user.target.wants/prometheus.service
    pkill -x prometheus 2>/dev/null || true
    # bird2 is the BGP daemon of the scale-out test; each test runs its own, never the system one.
    systemctl disable --now bird >/dev/null 2>&1 || true
    for p in "${missing[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || { echo "install-deps: $p is still not installed" >&2; exit 1; }
    done
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit
else
  npm run -s build
fi
