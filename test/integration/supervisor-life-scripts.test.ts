// startup_script and shutdown_script through a real kad in a namespace: the parent runs the
// startup script to its end before it forks the VRRP child, and the shutdown script after the
// child has exited (the child's pid is gone when it runs); a startup script that outlives its
// timeout is killed and kad starts anyway; a failing one is logged and kad goes on.
import { chmodSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, vrrpInstance, waitForHolder, waitUntil } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('supervisor-life-scripts', netnsUnavailableReason());
const VIP = '10.231.0.191';
const VI = vrrpInstance({ vrid: 91, priority: 100, vips: [`${VIP}/24`] });

describe.skipIf(why !== undefined)('startup_script and shutdown_script', () => {
  let lab: Lab;
  beforeAll(() => {
    ensureBuilt();
    lab = Lab.create({ directors: 1 });
  });
  afterAll(() => cleanupAll());

  const script = (name: string, body: string): string => {
    const f = lab.writeFile(name, `#!/bin/sh\n${body}\n`);
    chmodSync(f, 0o755);
    return f;
  };
  /** The command lines of the children of kad `pid` now. */
  const children = (pid: number): string[] => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)
    .filter(Boolean).map((c) => readFileSync(`/proc/${c}/cmdline`, 'utf8').replace(/\0/g, ' '));

  it('startup runs to its end before the children start; shutdown runs after they have exited', async () => {
    const log = `${lab.dir}/life.log`;
    const up = script('up.sh', `echo "up $1 $(date +%s%N)" >> ${log}; sleep 1; echo "up-done $(date +%s%N)" >> ${log}`);
    // The shutdown script looks whether the VRRP child still exists when it runs.
    const down = script('down.sh', `if kill -0 "$(cat ${lab.dir}/vrrp.pid)" 2>/dev/null; then c=alive; else c=gone; fi; echo "down $1 $c $(date +%s%N)" >> ${log}`);
    const conf = `global_defs {\n  startup_script "${up} a1"\n  shutdown_script "${down} b1"\n  shutdown_script_timeout 5\n}\n${VI}`;
    const d = lab.startKad(0, conf);
    await d.waitForOutput(/Running startup script/, 10_000);
    // While the startup script sleeps, the parent's only child is the script (through kad-runas).
    await waitUntil(() => children(d.pid).some((c) => c.includes('up.sh')), 2000, 'the startup script running');
    expect(children(d.pid).length).toBe(1);
    await waitForHolder(lab, VIP, 0, 15_000);
    const vrrp = d.vrrpChildPid;
    lab.writeFile('vrrp.pid', String(vrrp));
    await d.stop();
    expect(lab.hasAddress(0, VIP)).toBe(false);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(lines.map((l) => l[0])).toEqual(['up', 'up-done', 'down']);
    expect(lines[0]?.[1]).toBe('a1');
    expect(lines[2]?.[1]).toBe('b1');
    expect(lines[2]?.[2], 'the VRRP child when the shutdown script ran').toBe('gone');
    // The child's start (its pid file) comes after the startup script ended...
    expect(d.output).toMatch(/Running startup script [^\n]*up\.sh[\s\S]*startup script succeeded[\s\S]*Starting VRRP child process/);
    // ...and the shutdown script runs once the child is gone, before kad's last line.
    expect(d.output).toMatch(/Running shutdown script [^\n]*down\.sh[\s\S]*shutdown script succeeded[\s\S]*Stopped/);
    expect(d.output.lastIndexOf('shutdown script succeeded')).toBeLessThan(d.output.lastIndexOf('Stopped'));
  }, 60_000);

  it('a startup script past its timeout is killed and kad starts; a failing one is logged', async () => {
    const log = `${lab.dir}/slow.log`;
    const slow = script('slow.sh', `trap 'echo term >> ${log}; exit 0' TERM\necho start >> ${log}\nsleep 30 & wait`);
    const d = lab.startKad(0, `global_defs {\n  startup_script ${slow}\n  startup_script_timeout 1\n}\n${VI}`);
    const t0 = performance.now();
    await waitForHolder(lab, VIP, 0, 20_000);
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(d.output).toMatch(/startup script timed out after 1 s \[?/);
    await waitUntil(() => readFileSync(log, 'utf8').includes('term'), 5000, 'the script got SIGTERM');
    await d.stop();

    const bad = script('bad.sh', 'exit 3');
    const e = lab.startKad(0, `global_defs {\n  startup_script ${bad}\n}\n${VI}`);
    await e.waitForOutput(/startup script (succeeded|failed|timed out)/, 10_000);
    await waitForHolder(lab, VIP, 0, 20_000);
    expect(e.output, e.output).toMatch(/startup script failed: exited with status 3/);
    await e.stop();
  }, 90_000);
});
