#!/bin/sh
# Builds the LVS lab inside the user-mode Linux guest (a fresh kernel per boot, so names cannot
# collide): the guest's root namespace is the director; `kadcl` is the client on 10.10.1.0/24,
# `kadrs1`..`kadrsN` are real servers on 10.10.2.0/24 (10.10.2.11, .12, ...) routed through the
# director. The VIP 10.10.1.100 sits on the director's client-side link.
# Usage: lan.sh N
set -eu
n=${1:-2}
modprobe veth 2>/dev/null || true
sysctl -qw net.ipv4.ip_forward=1
ip netns add kadcl
ip link add kadc0 type veth peer name eth0 netns kadcl
ip addr add 10.10.1.1/24 dev kadc0
ip addr add 10.10.1.100/32 dev kadc0
ip link set kadc0 up
ip -n kadcl addr add 10.10.1.2/24 dev eth0
ip -n kadcl link set eth0 up
ip -n kadcl link set lo up
ip -n kadcl route add default via 10.10.1.1
ip link add kadbr0 type bridge 2>/dev/null || { modprobe bridge; ip link add kadbr0 type bridge; }
ip addr add 10.10.2.1/24 dev kadbr0
ip link set kadbr0 up
i=1
while [ "$i" -le "$n" ]; do
  ns=kadrs$i
  ip netns add $ns
  ip link add kadr$i type veth peer name eth0 netns $ns
  ip link set kadr$i master kadbr0
  ip link set kadr$i up
  ip -n $ns addr add 10.10.2.1$i/24 dev eth0
  ip -n $ns link set eth0 up
  ip -n $ns link set lo up
  ip -n $ns route add default via 10.10.2.1
  i=$((i + 1))
done
