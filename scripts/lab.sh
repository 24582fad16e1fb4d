#!/usr/bin/env bash
# Runs commands in a namespace of the lab left up by `npm run demo -- --keep` (root).
#   scripts/lab.sh NS COMMAND...   one command; its output streams back, its exit code is ours
#   scripts/lab.sh NS              a prompt: each line runs as one command in NS
# NS: kadcl, kaddir1, kaddir2, kadrs1, kadrs2, or guest (the guest's root namespace). Commands
# run in the guest with /bin/sh -c in the project directory (as with ssh, the words are joined
# and the guest's shell parses them), without a terminal or stdin (no interactive programs);
# Ctrl-C stops the running one. The lab's directory is found alone when
# one lab is up; with several, set KAD_LAB to the directory the demo printed.
# The guest has no network to the host: the request goes through the lab's scratch directory,
# which both see (scripts/demo/control.ts serves it).
set -euo pipefail

lab_dir() {
  if [ -n "${KAD_LAB:-}" ]; then echo "$KAD_LAB"; return; fi
  local found=()
  for d in "${TMPDIR:-/tmp}"/kad-uml-*/ctl/ready; do [ -e "$d" ] && found+=("$(dirname "$(dirname "$d")")"); done
  if [ ${#found[@]} -ne 1 ]; then
    echo "lab: ${#found[@]} labs up (${found[*]:-none}); start one with npm run demo -- --keep, or set KAD_LAB" >&2
    exit 1
  fi
  echo "${found[0]}"
}

[ $# -ge 1 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
ns=$1
shift
ctl="$(lab_dir)/ctl"
[ -e "$ctl/ready" ] || { echo "lab: no lab at ${ctl%/ctl}" >&2; exit 1; }

run() { # run COMMAND: send it, stream its output until its exit code arrives
  local id base off=0 size
  id="$$-$(date +%s%N)"
  base="$ctl/$id"
  printf '%s\n%s' "$ns" "$1" >"$base.tmp"
  mv "$base.tmp" "$base.cmd"
  trap 'touch "$base.kill"' INT
  while :; do
    local finished=0
    [ -e "$base.rc" ] && finished=1
    if [ -e "$base.out" ]; then
      size=$(stat -c %s "$base.out")
      if [ "$size" -gt "$off" ]; then
        tail -c +$((off + 1)) "$base.out" | head -c $((size - off))
        off=$size
      fi
    fi
    if [ $finished -eq 1 ]; then break; fi
    sleep 0.1 || true # Ctrl-C hits sleep too: keep waiting for the exit code
  done
  trap - INT
  local rc
  rc=$(cat "$base.rc")
  rm -f "$base".*
  return "$rc"
}

if [ $# -gt 0 ]; then
  run "$*"
  exit
fi
while IFS= read -r -e -p "$ns# " line; do
  [ -n "$line" ] || continue
  history -s "$line"
  run "$line" || echo "(exit $?)"
done
echo
