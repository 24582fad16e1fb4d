// Every script kind through the real daemons, as the configured user (root; a throw-away user
// and groups are created for the run): the VRRP child (kad in a network namespace) runs
// vrrp_script, instance notify_master and notify, and sync-group notify_master; the checker child
// (forked, in-memory IPVS) runs MISC_CHECK, notify_up/notify_down and quorum_up/quorum_down.
// An unknown user and an insecure root script make the tracker fail (instance FAULT) and the real
// server go down, and a 200 ms MISC_CHECK without misc_timeout keeps its real server up.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCheckBuilt, forkChecker, type CheckChild } from '../fixtures/check/daemon.js';
import { Lab, vrrpInstance, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { createTestUser, testUserUnavailableReason, type TestUser } from '../helpers/users.js';

const why = testUserUnavailableReason() ?? netnsUnavailableReason();
if (why && process.env.CI === 'true') throw new Error(why);
if (why) console.warn(`SKIPPED script-daemons: ${why}`);

let u: TestUser;
let dir: string;
let out: string;
let idScript: string;
let gwScript: string;

function script(name: string, body: string, mode = 0o755): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, mode);
  return p;
}
/** The id line a script wrote; a periodic script truncates its file before each write, so an empty read is retried. */
function idLine(name: string): string | undefined {
  const file = join(out, name);
  for (let i = 0; i < 1000 && existsSync(file); i++) {
    const text = readFileSync(file, 'utf8').trim();
    if (text !== '') return text;
  }
  return undefined;
}
const expectUser = (name: string, gid: number): void => {
  const groups = [gid, u.suppGid].sort((a, b) => a - b).join(' ');
  expect(idLine(name), name).toBe(`${u.uid} ${gid} ${groups}`);
};

beforeAll(() => {
  if (why) return;
  u = createTestUser();
  dir = mkdtempSync(join(tmpdir(), 'kad-scd-'));
  chmodSync(dir, 0o755);
  out = join(dir, 'out');
  mkdirSync(out);
  chmodSync(out, 0o1777);
  idScript = script('id.sh', `echo "$(id -u) $(id -g) $(id -G | tr ' ' '\\n' | sort -n | tr '\\n' ' ')" > ${out}/$1`);
  gwScript = script('group-writable.sh', 'exit 0', 0o775);
  chownSync(gwScript, 0, u.suppGid);
});
afterAll(() => {
  u?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(why !== undefined)('VRRP child scripts', () => {
  let lab: Lab;
  let kad: Daemon;
  beforeAll(async () => {
    lab = Lab.create({ directors: 1 });
    const safe = script('safe.sh', 'exit 0');
    const inst = (n: number, track: string, extra = ''): string =>
      vrrpInstance({ name: `VI_${n}`, vrid: 80 + n, priority: 100, advertInt: '0.2', vips: [`10.231.0.${120 + n}/24`], lines: `track_script {\n    ${track}\n  }\n  ${extra}` });
    const conf = `
global_defs {
  enable_script_security
  script_user ${u.user}
}
vrrp_script chk_id {
  script "${idScript} vrrp_script"
  interval 0.3
}
vrrp_script chk_nouser {
  script "${idScript} nouser"
  user ${u.user}nobody
  interval 0.3
}
vrrp_script chk_gw {
  script "${gwScript}"
  user root
  interval 0.3
}
vrrp_script chk_safe {
  script "${safe}"
  user root
  interval 0.3
}
vrrp_sync_group G1 {
  group {
    VI_1
  }
  notify_master "${idScript} group_master"
}
${inst(1, 'chk_id', `notify_master "${idScript} instance_master" ${u.user} ${u.alt}\n  notify "${idScript} notify"`)}
${inst(2, 'chk_nouser')}
${inst(3, 'chk_gw')}
${inst(4, 'chk_safe')}`;
    kad = lab.startKad(0, conf);
    await kad.waitForOutput(/\(VI_1\) Entering MASTER STATE/, 10_000);
  });
  afterAll(async () => {
    await kad?.stop();
    cleanupAll();
  });

  it('vrrp_script, instance notify (user X G and script_user) and sync-group notify run as the configured user', async () => {
    await waitUntil(() => ['vrrp_script', 'instance_master', 'notify', 'group_master'].every((n) => idLine(n) !== undefined), 5000, 'script outputs');
    expectUser('vrrp_script', u.gid);
    expectUser('notify', u.gid);
    expectUser('group_master', u.gid);
    expectUser('instance_master', u.altGid);
  });

  it('an unknown user fails the tracker (FAULT), never runs; an insecure root script is refused (FAULT); a safe one runs', async () => {
    await kad.waitForOutput(/\(VI_2\) Entering FAULT STATE/, 5000);
    await kad.waitForOutput(/\(VI_3\) Entering FAULT STATE/, 5000);
    await kad.waitForOutput(/\(VI_4\) Entering MASTER STATE/, 5000);
    expect(idLine('nouser')).toBeUndefined();
    expect(kad.output).toMatch(new RegExp(`vrrp_script chk_nouser: script .* not run \\(unknown-user\\): user '${u.user}nobody' does not exist`));
    expect(kad.output).toMatch(/vrrp_script chk_gw: script .* not run \(insecure\): .*group-writable\.sh runs as root but .* is writable by group/);
    expect(kad.output.match(/not run \(insecure\)/g)?.length).toBe(1);
  });
});

describe.skipIf(why !== undefined)('checker child scripts', () => {
  let c: CheckChild;
  let flag: string;
  const ready = (): unknown => c.messages.find((m) => m.type === 'ready');
  const logged = (re: RegExp) => (): unknown => c.logs.find((l) => re.test(l.msg));
  beforeAll(async () => {
    ensureCheckBuilt();
    flag = join(out, 'rs-down');
    const misc = script('misc.sh', `"${idScript}" misc\nsleep 0.2\ntest ! -e ${flag}`);
    const file = join(dir, 'check.conf');
    writeFileSync(file, `
global_defs {
  enable_script_security
  script_user ${u.user}
}
virtual_server 127.0.0.1 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  quorum 1
  quorum_up "${idScript} quorum_up"
  quorum_down "${idScript} quorum_down"
  real_server 127.0.0.2 80 {
    alpha
    notify_up "${idScript} notify_up"
    notify_down "${idScript} notify_down" ${u.user} ${u.alt}
    MISC_CHECK {
      misc_path "${misc}"
      warmup 0
    }
  }
  real_server 127.0.0.3 80 {
    MISC_CHECK {
      misc_path "${gwScript}"
      user root
      warmup 0
    }
  }
}
`);
    c = forkChecker(file, { KAD_CHECK_DRY_RUN: '1', TMPDIR: dir });
    await c.waitFor(ready);
  });
  afterAll(async () => {
    c?.proc.disconnect();
    await c?.exited;
  });

  it('MISC_CHECK (200 ms, no misc_timeout), notify_up and quorum_up run as script_user; the server stays up', async () => {
    await c.waitFor(logged(/Adding service \[127\.0\.0\.2\]:tcp:80/), 5000);
    await waitUntil(() => idLine('notify_up') !== undefined && idLine('quorum_up') !== undefined, 5000, 'notify_up and quorum_up');
    expectUser('misc', u.gid);
    expectUser('notify_up', u.gid);
    expectUser('quorum_up', u.gid);
    await new Promise((r) => setTimeout(r, 2500)); // two more delay_loops
    expect(c.logs.some((l) => /Removing service \[127\.0\.0\.2\]/.test(l.msg))).toBe(false);
  });

  it('an insecure root MISC_CHECK is refused: its server goes down and the log says why', async () => {
    await c.waitFor(logged(/Removing service \[127\.0\.0\.3\]:tcp:80/), 5000);
    expect(c.logs.some((l) => l.code === 'KAD_WARN_SCRIPT_REFUSED' && /not run \(insecure\)/.test(l.msg))).toBe(true);
  });

  it('notify_down (user X G) and quorum_down run as the configured user when the server fails', async () => {
    writeFileSync(flag, '');
    await c.waitFor(logged(/Removing service \[127\.0\.0\.2\]:tcp:80/), 5000);
    await waitUntil(() => idLine('notify_down') !== undefined && idLine('quorum_down') !== undefined, 5000, 'notify_down and quorum_down');
    expectUser('notify_down', u.altGid);
    expectUser('quorum_down', u.gid);
  });
});

describe.skipIf(why !== undefined)('root scripts without enable_script_security', () => {
  it('the checker child logs the -t warning once per root script at start, and still runs them', async () => {
    const safe = script('root-ok.sh', `"${idScript}" root_misc`);
    const file = join(dir, 'root.conf');
    writeFileSync(file, `
virtual_server 127.0.0.1 81 {
  delay_loop 0.3
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 127.0.0.4 80 {
    notify_down "${idScript} root_down"
    MISC_CHECK {
      misc_path "${safe}"
      warmup 0
    }
  }
}
`);
    const c = forkChecker(file, { KAD_CHECK_DRY_RUN: '1', TMPDIR: dir });
    try {
      await c.waitFor(() => c.messages.find((m) => m.type === 'ready'));
      await waitUntil(() => idLine('root_misc') !== undefined, 5000, 'root MISC_CHECK ran');
      await new Promise((r) => setTimeout(r, 700));
      const warnings = c.logs.filter((l) => l.code === 'KAD_WARN_SCRIPT_SECURITY').map((l) => l.msg);
      expect(warnings).toHaveLength(2);
      expect(warnings.every((w) => w.includes('would run as root but enable_script_security is not set'))).toBe(true);
      expect(idLine('root_misc')).toBe('0 0 0');
    } finally {
      c.proc.disconnect();
      await c.exited;
    }
  });
});
