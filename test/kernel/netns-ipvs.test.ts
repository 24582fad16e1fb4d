// net_namespace_ipvs in a real kernel (user-mode Linux, one boot): `kad -C` is started in the
// guest's own namespace with `net_namespace kadchk` and `net_namespace_ipvs kadipvs`. The checker
// child runs its MISC_CHECK in kadchk (the script writes the interfaces it sees), and programs
// the virtual server into kadipvs's IPVS table: not into kadchk's, not into the guest's own.
// Stopped, it removes the table from kadipvs. Then `net_namespace_ipvs` with no name: the table
// goes to the namespace of pid 1 (the guest's own) while the checks still run in kadchk.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runInUml, umlUnavailableReason } from './uml.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('kernel/netns-ipvs', umlUnavailableReason());

/** The guest: two namespaces, two kad runs, each table printed between `== LABEL` lines. */
const GUEST = String.raw`
set -eu
modprobe ip_vs 2>/dev/null || true
modprobe veth 2>/dev/null || true
for ns in kadchk kadipvs; do ip netns add $ns; ip -n $ns link set lo up; done
ip link add kadeth0 netns kadchk type veth peer name kadeth1 netns kadipvs
ip -n kadchk link set kadeth0 up
ip -n kadchk addr add 10.20.0.1/24 dev kadeth0
S="$KAD_SCRATCH"
cat > "$S/where.sh" <<'WHERE'
#!/bin/sh
{ ip -o link | awk -F': ' '{print $2}' | sed 's/@.*//'; ls /sys/class/net; } > "$1.tmp"
mv "$1.tmp" "$1"
WHERE
chmod 755 "$S/where.sh"
conf() { # IPVS-LINE OUT
  cat > "$S/kad.conf" <<EOF
net_namespace kadchk
$1
virtual_server 10.20.0.100 80 {
  delay_loop 1
  lb_algo wlc
  lb_kind DR
  protocol TCP
  real_server 10.20.0.11 80 {
    weight 3
    MISC_CHECK {
      misc_path "$S/where.sh $S/$2"
    }
  }
}
EOF
}
run() { # IPVS-LINE OUT
  conf "$1" "$2"
  node bin/kad.js -C -n -l -D -f "$S/kad.conf" -p "$S/kad.pid" -r "$S/vrrp.pid" -c "$S/chk.pid" > "$S/$2.log" 2>&1 &
  pid=$!
  i=0
  while [ $i -lt 300 ] && ! { ip netns exec kadipvs ipvsadm -Ln; ipvsadm -Ln; } 2>/dev/null | grep -q 10.20.0.11; do sleep 0.1; i=$((i+1)); done
  i=0
  while [ $i -lt 100 ] && [ ! -s "$S/$2" ]; do sleep 0.1; i=$((i+1)); done
  echo "== $2 running"
  echo "== ipvs-kadipvs"; ip netns exec kadipvs ipvsadm -Ln | sed 1d
  echo "== ipvs-kadchk"; ip netns exec kadchk ipvsadm -Ln | sed 1d
  echo "== ipvs-own"; ipvsadm -Ln | sed 1d
  echo "== seen"; cat "$S/$2" || true
  kill -TERM $pid
  rc=0
  wait $pid || rc=$?
  echo "== exit"; echo $rc
  echo "== after-kadipvs"; ip netns exec kadipvs ipvsadm -Ln | sed 1d
  echo "== after-own"; ipvsadm -Ln | sed 1d
  echo "== log"; tail -n 20 "$S/$2.log"
}
run "net_namespace_ipvs kadipvs" named
run "net_namespace_ipvs" unnamed
`;

/** The output as sections: run → label → text. */
function sections(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let run = '';
  let label = '';
  for (const line of stdout.split('\n')) {
    const m = /^== (\S+)(?: (\S+))?$/.exec(line);
    if (m && m[2] === 'running') {
      run = m[1] ?? '';
      out[run] = {};
      label = '';
    } else if (m) {
      label = m[2] ? `${m[1]} ${m[2]}` : (m[1] ?? '');
      out[run]![label] = '';
    } else if (run && label) {
      out[run]![label] += `${line}\n`;
    }
  }
  return out;
}

describe.skipIf(skip !== undefined)('net_namespace_ipvs: checks in one namespace, IPVS in another', () => {
  let s: Record<string, Record<string, string>>;
  let raw = '';

  beforeAll(async () => {
    ensureBuilt();
    const r = await runInUml(GUEST, { timeoutMs: 150_000, memMb: 768 });
    raw = r.stdout;
    if (r.code !== 0) throw new Error(`guest failed (${r.code}): ${r.stderr}\n${r.stdout.slice(-2000)}\n${r.console.slice(-1500)}`);
    console.log(`netns-ipvs guest: ${r.durationMs} ms`);
    s = sections(r.stdout);
  }, 180_000);

  const realServer = /-> 10\.20\.0\.11:80\s+Route\s+3\s/;

  it('named: the table is in kadipvs only, the check ran in kadchk, stopping removes the table', () => {
    const n = s.named!;
    expect(n['ipvs-kadipvs'], raw).toMatch(/TCP {2}10\.20\.0\.100:80 wlc/);
    expect(n['ipvs-kadipvs']).toMatch(realServer);
    expect(n['ipvs-kadchk']).not.toContain('10.20.0.100');
    expect(n['ipvs-own']).not.toContain('10.20.0.100');
    // kadchk holds lo and kadeth0, by rtnetlink and by sysfs alike.
    expect(n.seen?.trim().split('\n').sort()).toEqual(['kadeth0', 'kadeth0', 'lo', 'lo']);
    expect(n.exit?.trim(), n.log).toBe('0');
    expect(n['after-kadipvs']).not.toContain('10.20.0.100');
  });

  it('no name: the table goes to the namespace of pid 1, the check still runs in kadchk', () => {
    const u = s.unnamed!;
    expect(u['ipvs-own'], raw).toMatch(realServer);
    expect(u['ipvs-kadchk']).not.toContain('10.20.0.100');
    expect(u['ipvs-kadipvs']).not.toContain('10.20.0.100');
    expect(u.seen?.trim().split('\n').sort()).toEqual(['kadeth0', 'kadeth0', 'lo', 'lo']);
    expect(u['after-own']).not.toContain('10.20.0.100');
  });
});
