#!/bin/sh
# use_ipvlan inside the user-mode Linux guest (the host kernel has no ipvlan driver): keepalived
# 2.2.7 alone first (namespace kipka), then a kad pair (kip1 master, kip2 backup) with the same
# master configuration, all on one bridge with a watcher namespace kipw capturing the adverts.
# Prints sections "=== NAME" that test/kernel/ipvlan.test.ts reads.
# $1: project directory, $2: scratch directory.
set -eu
P=$1 S=$2
modprobe veth; modprobe bridge; modprobe ipvlan
ip link add kbr type bridge
ip link set kbr up
plug() { # NS ADDR
  ip netns add "$1"
  ip -n "$1" link set lo up
  ip link add "$1-e" type veth peer name eth0 netns "$1"
  ip link set "$1-e" master kbr
  ip link set "$1-e" up
  ip -n "$1" addr add "$2" dev eth0
  ip -n "$1" link set eth0 up
}
plug kipka 10.10.5.10/24
plug kip1 10.10.5.11/24
plug kip2 10.10.5.12/24
plug kipw 10.10.5.2/24

conf() { # STATE PRIORITY USE_IPVLAN_ARGS
  cat <<C
global_defs {
  vrrp_garp_master_delay 1
  vrrp_garp_master_repeat 1
}
vrrp_instance VI_1 {
  interface eth0
  state $1
  virtual_router_id 51
  priority $2
  advert_int 1
  use_ipvlan $3
  virtual_ipaddress {
    10.10.5.100/24
  }
}
C
}
conf MASTER 150 '10.10.5.21/24 private' > "$S/master.conf"
conf BACKUP 100 '10.10.5.22/24' > "$S/backup.conf"

# Polls (every 0.1 s, at most $2 tenths) until command $1 succeeds; prints the tenths waited.
until_ok() {
  n=0
  while ! sh -c "$1" >/dev/null 2>&1; do
    n=$((n + 1)); [ $n -ge "$2" ] && break; sleep 0.1
  done
  echo $n
}
vip_in() { echo "ip -n $1 -o addr show | grep -q ' 10.10.5.100/'"; }
sysctls() { # NS IF
  ip netns exec "$1" sh -c "for k in ipv4/conf/$2/arp_ignore ipv4/conf/$2/arp_filter ipv4/conf/$2/accept_local ipv4/conf/$2/rp_filter ipv4/conf/$2/promote_secondaries ipv6/conf/$2/disable_ipv6; do echo \$k=\$(cat /proc/sys/net/\$k); done"
}
section() { echo "=== $1"; }

# keepalived 2.2.7, the master configuration.
ip netns exec kipka keepalived -n -l -D -f "$S/master.conf" -p "$S/ka.pid" -r "$S/ka-vrrp.pid" > "$S/ka.log" 2>&1 &
section ka-wait; until_ok "$(vip_in kipka)" 150
section ka-link; ip -n kipka -d link show vrrp.51 || true
section ka-addr; ip -n kipka -o addr show
# Its data dump (SIGUSR1 writes /tmp/keepalived.data), the instance's lines only.
dump() { # PID
  rm -f /tmp/keepalived.data
  kill -USR1 "$1"
  until_ok "grep -q 'VRRP Sockpool' /tmp/keepalived.data" 100 > /dev/null
  sed -n '/VRRP Instance = VI_1/,/VRRP Sockpool/p' /tmp/keepalived.data
}
section ka-dump; dump "$(cat "$S/ka.pid")"
section ka-sysctl-ipvlan; sysctls kipka vrrp.51
section ka-sysctl-eth0; sysctls kipka eth0
kill "$(cat "$S/ka.pid")"
until_ok "! ip -n kipka link show vrrp.51" 100 > /dev/null
section ka-link-after; ip -n kipka -o link show
section ka-log; cat "$S/ka.log"
ip netns del kipka

# The kad pair, adverts captured by the watcher.
ip netns exec kipw tcpdump -l -n -e -i eth0 'vrrp or arp' > "$S/wire.txt" 2>/dev/null &
TCPDUMP=$!
kad() { # NS CONF
  ip netns exec "$1" /usr/bin/node "$P/bin/kad.js" -n -l -D -f "$S/$2.conf" -p "$S/$1.pid" -r "$S/$1-vrrp.pid" -c "$S/$1-chk.pid" --status-socket "/run/kad-$1.sock" > "$S/$1.log" 2>&1 &
}
kad kip1 master
kad kip2 backup
section kad-wait; until_ok "$(vip_in kip1) && ip -n kip2 link show vrrp.51" 300
sleep 2.5
section kad-link-master; ip -n kip1 -d link show vrrp.51 || true
section kad-link-backup; ip -n kip2 -d link show vrrp.51 || true
section kad-mac-master; ip -n kip1 -o link show eth0
section kad-addr-master; ip -n kip1 -o addr show
section kad-addr-backup; ip -n kip2 -o addr show
section kad-dump; dump "$(cat "$S/kip1.pid")"
section kad-sysctl-ipvlan; sysctls kip1 vrrp.51
section kad-sysctl-eth0; sysctls kip1 eth0
section wire-before; cat "$S/wire.txt"
section mac-backup; ip -n kip2 -o link show eth0
SEEN=$(wc -l < "$S/wire.txt")
T0=$(date +%s%N)
kill "$(cat "$S/kip1.pid")"
until_ok "$(vip_in kip2)" 150 > /dev/null
section takeover-ms; echo $((($(date +%s%N) - T0) / 1000000))
until_ok "! ip -n kip1 link show vrrp.51" 100 > /dev/null
section kad-link-master-after; ip -n kip1 -o link show
section kad-addr-backup-after; ip -n kip2 -o addr show
section kad-addr-master-after; ip -n kip1 -o addr show
sleep 2.5
section wire-after; tail -n +$((SEEN + 1)) "$S/wire.txt"
kill "$(cat "$S/kip2.pid")"
until_ok "! ip -n kip2 link show vrrp.51" 100 > /dev/null
section kad-link-backup-after; ip -n kip2 -o link show
kill $TCPDUMP
section kad-log-master; cat "$S/kip1.log"
section kad-log-backup; cat "$S/kip2.log"
