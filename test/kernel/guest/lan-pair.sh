#!/bin/sh
# The seed's LVS-NAT director pair inside the user-mode Linux guest (a fresh kernel per boot):
# two director namespaces kaddir1/kaddir2, each with eth0 on the client bridge (10.10.1.0/24, VIP
# 10.10.1.100 by VRRP) and eth1 on the real-server bridge (10.10.2.0/24, gateway VIP 10.10.2.2
# by VRRP); the client kadcl (10.10.1.2) and real servers kadrs1/kadrs2 (10.10.2.11, .12) whose
# default route is the gateway VIP. Each director namespace has its own IPVS table.
set -eu
modprobe veth 2>/dev/null || true
modprobe bridge 2>/dev/null || true
ip link add kbc type bridge
ip link add kbr type bridge
ip link set kbc up
ip link set kbr up
plug() { # NS IFNAME BRIDGE ADDR
  ip link add "$1-$2" type veth peer name "$2" netns "$1"
  ip link set "$1-$2" master "$3"
  ip link set "$1-$2" up
  ip -n "$1" addr add "$4" dev "$2"
  ip -n "$1" link set "$2" up
}
for ns in kaddir1 kaddir2 kadcl kadrs1 kadrs2; do
  ip netns add $ns
  ip -n $ns link set lo up
done
plug kaddir1 eth0 kbc 10.10.1.11/24
plug kaddir1 eth1 kbr 10.10.2.3/24
plug kaddir2 eth0 kbc 10.10.1.12/24
plug kaddir2 eth1 kbr 10.10.2.4/24
plug kadcl eth0 kbc 10.10.1.2/24
plug kadrs1 eth0 kbr 10.10.2.11/24
plug kadrs2 eth0 kbr 10.10.2.12/24
for ns in kaddir1 kaddir2; do ip netns exec $ns sysctl -qw net.ipv4.ip_forward=1; done
for ns in kadrs1 kadrs2; do ip -n $ns route add default via 10.10.2.2; done
