#!/usr/bin/env bash
# `npm run demo -- --vrrp-only`: VRRP alone, on the host kernel (no IPVS needed). Two kad
# directors in network namespaces share a bridge; the master holds the VIP, is killed, the
# backup takes over, the master comes back and preempts. Everything lives in namespaces named
# kd<pid>*, removed on exit (also on failure). scripts/demo.sh has installed and built.
set -euo pipefail
cd "$(dirname "$0")/.."
tag="kd$$"
hub="${tag}h"; a="${tag}a"; b="${tag}b"
vip=10.233.0.100
work="$(mktemp -d /tmp/kad-demo.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -KILL -- "-$p" 2>/dev/null || true; done
  for ns in "$a" "$b" "$hub"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
has() { local out; out=$(ip -n "$1" -o addr show dev eth0); [[ "$out" == *" $vip/"* ]]; }
wait_until() { # wait_until TIMEOUT_S DESCRIPTION COMMAND...
  local end=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    [ $SECONDS -ge $end ] && { echo "timeout waiting for $what"; exit 1; }
    sleep 0.01
  done
}
only() { has "$1" && ! has "$2"; }
now_ms() { date +%s%3N; }

say "lab: bridge in $hub, directors $a (priority 100) and $b (priority 90)"
for ns in "$hub" "$a" "$b"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n "$hub" link add br0 type bridge mcast_snooping 0
ip -n "$hub" link set br0 up
i=1
for ns in "$a" "$b"; do
  ip -n "$ns" link add eth0 type veth peer name "p$i$tag" netns "$hub"
  ip -n "$hub" link set "p$i$tag" master br0 up
  ip -n "$ns" link set eth0 up
  ip -n "$ns" addr add "10.233.0.$i/24" dev eth0
  i=$((i + 1))
done

conf() { # conf PRIORITY
  cat <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $1
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass demo1234
  }
  virtual_ipaddress {
    $vip/24
  }
}
CONF
}
conf 100 >"$work/a.conf"
conf 90 >"$work/b.conf"

start() { # start NS NAME -> pid of the new kad (its own process group)
  setsid ip netns exec "$1" node bin/kad.js -n -l -D -f "$work/$2.conf" -p "$work/$2.pid" \
    -r "$work/$2_vrrp.pid" -c "$work/$2_checkers.pid" -P >>"$work/$2.log" 2>&1 &
  echo $!
}

say "starting kad on both directors (kad -n -l -D -f CONF -p -r -c -P)"
pa=$(start "$a" a); pids+=("$pa")
pb=$(start "$b" b); pids+=("$pb")
wait_until 15 "$vip on $a only" only "$a" "$b"
echo "VIP $vip is on $a:"; ip -n "$a" -br addr show dev eth0
echo "and not on $b:";     ip -n "$b" -br addr show dev eth0

say "killing the master's whole process tree (SIGKILL)"
t0=$(now_ms)
kill -KILL -- "-$pa"
wait_until 10 "$vip on $b" has "$b"
echo "backup $b holds $vip after $(( $(now_ms) - t0 )) ms (Master_Down_Interval 3648 ms from the last advert)"
ip -n "$b" -br addr show dev eth0
# A killed master cannot release its VIP (as with keepalived); kad removes it when it restarts.

say "restarting the master: it removes its stale VIP and preempts"
t0=$(now_ms)
pa=$(start "$a" a); pids+=("$pa")
wait_until 15 "$vip on $a only" only "$a" "$b"
echo "$a holds $vip again after $(( $(now_ms) - t0 )) ms (its own Master_Down_Interval); $b went back to BACKUP:"
grep -ho '([A-Z_0-9]*) Entering [A-Z]* STATE' "$work/b.log" | tail -3

say "graceful stop of the master (SIGTERM): priority-0 advert, the backup takes over at once"
t0=$(now_ms)
kill -TERM "$pa"
wait_until 5 "$vip on $b only" only "$b" "$a"
echo "backup $b holds $vip after $(( $(now_ms) - t0 )) ms (Skew_Time 648 ms)"
kill -TERM "$pb"
wait "$pb" 2>/dev/null || true
say "done: cleaning up the namespaces"
