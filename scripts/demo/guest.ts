// The demo's guest program (runs inside user-mode Linux, started by host.ts): the seed's LVS-NAT
// pair with a client and two HTTP real servers (test/kernel/guest/lvs-lab.ts), shown live. It
// kills the master (failover measured on the wire), starts it again, stops a real server and
// starts it again, then prints the summary: readable lines and one `summary: {json}` line.
// Usage: guest.mjs PROJECT SCRATCH [--short] [--keep] [--color]
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { masterDownIntervalMs } from '../../src/vrrp/protocol/timers.js';
import { CLIENT, DIRECTORS, REAL_SERVERS, VIP, fullTable, has, holdsVips, httpServer, listening, seed, setUpLab, sleep, startKad, table, until as untilEvery, type Director } from '../../test/kernel/guest/lvs-lab.js';
import { serveControl } from './control.js';
import { parseTable, statusLine, summaryText, type Detection, type Spread, type Summary } from './view.js';
import { watchWire, type Wire, type WireEvent } from './wire.js';

const [project, scratch] = [process.argv[2]!, process.argv[3]!];
const flags = new Set(process.argv.slice(4));
const short = flags.has('--short');
const keep = flags.has('--keep');
const bold = (s: string): string => (flags.has('--color') ? `\x1b[1m${s}\x1b[0m` : s);
/** How long each step is shown before the next (a person watches; CI only needs a few answers). */
const HOLD_MS = short ? 2500 : 8000;
const DIRECTOR_ADDR: Readonly<Record<Director, string>> = { kaddir1: '10.10.1.11', kaddir2: '10.10.1.12' };
const t0 = Date.now();
/**
 * Polls every 200 ms: each probe is a process in the guest, where starting one costs tens of ms
 * of the one CPU that kad's start also needs. Times on the wire come from packets, not polls.
 */
const until = (pred: () => boolean | Promise<boolean>, limitMs: number): Promise<number> => untilEvery(pred, limitMs, 200);

const say = (s: string): void => console.log(s);
const step = (s: string): void => say(`\n${bold(`== ${s}`)}`);
/** An event line, stamped with when it happened (a packet's capture time, a log line's arrival). */
const event = (who: string, what: string, atMs = Date.now()): void => say(`${((atMs - t0) / 1000).toFixed(1).padStart(7)}s  ${who.padEnd(8)} ${what}`);

/** The client: one request every 200 ms; counts answers per status line and per step. */
class Client {
  window: Spread = {};
  phase: Spread = {};
  readonly answers: { tMs: number; ok: boolean }[] = [];
  private child: ChildProcess | undefined;
  start(): void {
    this.child = spawn('ip', ['netns', 'exec', CLIENT.ns, 'python3', `${project}/test/kernel/guest/http_count.py`, VIP, '80', '--every', '0.2'], { stdio: ['ignore', 'pipe', 'ignore'] });
    createInterface({ input: this.child.stdout! }).on('line', (body) => {
      for (const s of [this.window, this.phase]) s[body] = (s[body] ?? 0) + 1;
      this.answers.push({ tMs: Date.now(), ok: body !== 'error' });
    });
  }
  /** The longest time without an answer after `fromMs`: from the last answer before a failure to the next answer. */
  gapAfter(fromMs: number): number | undefined {
    let best: number | undefined;
    let lastOk = this.answers.filter((a) => a.ok && a.tMs < fromMs).at(-1)?.tMs ?? fromMs;
    let failed = false;
    for (const a of this.answers.filter((x) => x.tMs >= fromMs)) {
      if (!a.ok) failed = true;
      else {
        if (failed) best = Math.max(best ?? 0, a.tMs - lastOk);
        lastOk = a.tMs;
        failed = false;
      }
    }
    return best;
  }
  takePhase(): Spread {
    const p = this.phase;
    this.phase = {};
    return p;
  }
}

/** A kad daemon in a director namespace, its readable log lines relayed and remembered. */
class Daemon {
  child!: ChildProcess;
  readonly log: { tMs: number; msg: string }[] = [];
  constructor(readonly ns: Director, private readonly conf: string) {}
  start(): void {
    this.child = startKad(project, scratch, this.ns, this.conf, { group: true, pipeLog: true, detail: false });
    const relay = (line: string): void => {
      const msg = line.replace(/^\w{3} \w{3} [ \d]\d [\d:]{8} \d{4}: /, '');
      this.log.push({ tMs: Date.now(), msg });
      if (/Entering \w+ STATE|service .* VS|\[KAD_ERR/.test(msg)) event(this.ns, msg);
    };
    createInterface({ input: this.child.stdout! }).on('line', relay);
    createInterface({ input: this.child.stderr! }).on('line', relay);
  }
  /** SIGKILL to the whole tree (parent, VRRP and checker children), as a crash would. */
  kill(): void {
    process.kill(-this.child.pid!, 'SIGKILL');
  }
  /** When this daemon logged a line containing `text` at or after `afterMs`. */
  logged(text: string, afterMs: number): number | undefined {
    return this.log.find((l) => l.tMs >= afterMs && l.msg.includes(text))?.tMs;
  }
}

const client = new Client();
const daemons = { kaddir1: new Daemon('kaddir1', seed(project, 'master')), kaddir2: new Daemon('kaddir2', seed(project, 'backup')) };
const servers = new Map<string, ChildProcess>();

async function snapshot(): Promise<string> {
  const tables = Object.fromEntries(await Promise.all(DIRECTORS.map(async (d) => [d, parseTable(await table(d))] as const)));
  const vipOn = (await Promise.all(DIRECTORS.map(async (d) => ((await has(d, VIP)) ? [linksDown.has(d) ? `${d} (stale, links down)` : d] : [])))).flat();
  const serving = Object.fromEntries(REAL_SERVERS.map((s) => [s.name, servers.has(s.name)]));
  // Stamped when printed, so that the lines keep the order of the events around them.
  const line = statusLine({ elapsedMs: Date.now() - t0, vipOn, tables, serving, spread: client.window }, REAL_SERVERS);
  client.window = {};
  return line;
}

/** Prints the status line every `everyMs` (skipping a beat when the slow guest is still at the last one). */
function monitor(everyMs: number): NodeJS.Timeout {
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    snapshot().then(say, (e: unknown) => say(`status: ${String(e)}`)).finally(() => (busy = false));
  }, everyMs);
}

/** Directors whose links the demo has cut. */
const linksDown = new Set<string>();

/** Both links of director `ns` down (it no longer forwards, as when it dies) or up again. */
const setLinks = (ns: string, state: 'up' | 'down'): Promise<void> =>
  new Promise((resolve, reject) => {
    if (state === 'down') linksDown.add(ns);
    else linksDown.delete(ns);
    const ip = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
    ip.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ip link set ${state} in ${ns}: exit ${code}`))));
    ip.stdin!.end(`link set eth0 ${state}\nlink set eth1 ${state}\n`);
  });

/** Relays the wire's news: a new advert sender (or priority), the first gratuitous ARP of a burst. */
function wireReporter(): (e: WireEvent) => void {
  let sender = '';
  let lastGarpMs = 0;
  const name = (ip: string): string => Object.entries(DIRECTOR_ADDR).find(([, a]) => a === ip)?.[0] ?? ip;
  return (e) => {
    if (e.kind === 'advert' && `${e.src}/${e.prio}` !== sender) {
      sender = `${e.src}/${e.prio}`;
      event('wire', `VRRP adverts now from ${name(e.src)} (${e.src}, priority ${e.prio})`, e.tMs);
    } else if (e.kind === 'garp' && e.tMs - lastGarpMs > 1000) {
      event('wire', `gratuitous ARP for ${e.ip}`, e.tMs);
    }
    if (e.kind === 'garp') lastGarpMs = e.tMs;
  };
}

function startServer(name: string): void {
  const rs = REAL_SERVERS.find((s) => s.name === name)!;
  servers.set(name, httpServer(scratch, rs.ns, name));
}

async function bringUp(): Promise<number> {
  step(`lab: client ${CLIENT.ns} -> VIP ${VIP} -> directors kaddir1 (seed master, priority 100) / kaddir2 (backup, 90) -> ${REAL_SERVERS.map((s) => `${s.ns} ${s.name} ${s.addr} weight ${s.weight}`).join(', ')}`);
  setUpLab(project);
  REAL_SERVERS.forEach((s) => startServer(s.name));
  daemons.kaddir1.start();
  daemons.kaddir2.start();
  await Promise.all(REAL_SERVERS.map((s) => listening(s.ns)));
  const ready = await until(async () => (await holdsVips('kaddir1')) && fullTable(await table('kaddir1')) && fullTable(await table('kaddir2')), 90_000);
  if (!(await holdsVips('kaddir1'))) throw new Error('the master never took the VIPs');
  return ready;
}

async function failover(wire: Wire): Promise<Summary['failover']> {
  step('the master dies: SIGKILL to kad on kaddir1 (parent and children), its links cut; the backup takes over after Master_Down_Interval');
  client.takePhase();
  const tKill = Date.now();
  daemons.kaddir1.kill();
  await setLinks('kaddir1', 'down');
  await until(() => holdsVips('kaddir2'), 20_000);
  const killToVipMs = Date.now() - tKill;
  await until(() => wire.firstAdvert(DIRECTOR_ADDR.kaddir2, tKill) !== undefined && wire.firstGarp(VIP, tKill) !== undefined, 5000);
  say('          (kaddir1 keeps its copy of the VIPs on its dead links: a killed daemon cannot remove them; kad does when it starts)');
  await sleep(HOLD_MS);
  const last = wire.lastAdvert(DIRECTOR_ADDR.kaddir1, tKill);
  const first = wire.firstAdvert(DIRECTOR_ADDR.kaddir2, tKill);
  const garp = wire.firstGarp(VIP, tKill);
  return {
    masterDownIntervalMs: Math.round(masterDownIntervalMs(90, 1000)),
    advertGapMs: last && first ? first.tMs - last.tMs : undefined,
    killToAdvertMs: first ? first.tMs - tKill : undefined,
    killToGarpMs: garp ? garp.tMs - tKill : undefined,
    killToVipMs,
    clientGapMs: client.gapAfter(tKill),
    spread: client.takePhase(),
  };
}

async function restore(wire: Wire): Promise<Summary['restore']> {
  step('the master comes back: links up, kad started; it removes its stale VIPs, has the higher priority and preempts');
  const tStart = Date.now();
  await setLinks('kaddir1', 'up');
  daemons.kaddir1.start();
  say('          (kad starts three node processes; in this slow guest kernel that takes a while)');
  await until(async () => (await holdsVips('kaddir1')) && !(await has('kaddir2', VIP)), 90_000);
  const startToVipMs = Date.now() - tStart;
  await until(async () => fullTable(await table('kaddir1')), 30_000);
  await sleep(HOLD_MS);
  const first = wire.firstAdvert(DIRECTOR_ADDR.kaddir1, tStart);
  return { startToAdvertMs: first ? first.tMs - tStart : undefined, startToVipMs, spread: client.takePhase() };
}

/** Stops (or starts) RS1 and times kad's reaction: its log line and the VIP holder's table. */
async function toggleServer(up: boolean): Promise<Detection> {
  const rs = REAL_SERVERS[0];
  step(up ? `start ${rs.name} again: the checkers add it back` : `stop ${rs.name} (its HTTP server): the HTTP_GET checkers remove it from IPVS`);
  const tMs = Date.now();
  if (up) startServer(rs.name);
  else {
    const server = servers.get(rs.name)!;
    servers.delete(rs.name);
    server.kill();
    await new Promise((r) => server.once('exit', r));
    // Answers still on their way from the server before it died do not count for this step.
    await sleep(200);
    client.takePhase();
  }
  const inTable = async (): Promise<boolean> => parseTable(await table('kaddir1')).get(rs.addr) === (up ? rs.weight : undefined);
  await until(inTable, 30_000);
  const tableMs = Date.now() - tMs;
  const text = `${up ? 'Adding' : 'Removing'} service [${rs.addr}]`;
  await until(() => daemons.kaddir1.logged(text, tMs) !== undefined, 2000);
  await sleep(HOLD_MS);
  const logged = daemons.kaddir1.logged(text, tMs);
  return { server: rs.name, logMs: logged === undefined ? undefined : logged - tMs, tableMs, spread: client.takePhase() };
}

function keepUp(): void {
  serveControl(scratch);
  step('the lab stays up: Ctrl-C in this terminal halts the guest and removes its directory');
  say(`From another terminal, as root, in ${project}:`);
  say('  scripts/lab.sh kaddir1 ipvsadm -Ln          # one command in a namespace of the lab');
  say('  scripts/lab.sh kadcl                        # a prompt: each line runs in kadcl');
  say('  namespaces: kadcl (client), kaddir1 kaddir2 (directors), kadrs1 kadrs2 (real servers), guest (root)');
  say(`  try: scripts/lab.sh kadcl curl -s http://${VIP}/index.html`);
  say('       scripts/lab.sh kadrs1 ip link set eth0 down       # RS1 fails its checks, kad removes it');
  say("       scripts/lab.sh kadrs1 'ip link set eth0 up; ip route add default via 10.10.2.2'   # back (its route went with the link)");
  say('       scripts/lab.sh kaddir1 ip link set eth0 down      # the master goes to FAULT, kaddir2 takes over');
  say('       scripts/lab.sh kaddir1 node bin/kad.js status --socket /run/kad-kaddir1.sock');
  say(`  with several labs up, name this one: KAD_LAB=${scratch} scripts/lab.sh ...`);
  monitor(5000);
}

const main = async (): Promise<void> => {
  const readyMs = await bringUp();
  const wire = await watchWire(CLIENT.ns, 'eth0', wireReporter());
  client.start();
  const ticker = monitor(1000);
  step(`steady state: the master holds the VIPs, the client's requests spread 2:1 (ready after ${(readyMs / 1000).toFixed(1)}s)`);
  await sleep(HOLD_MS);
  // A few answers at least, so that both real servers show (the guest is slow under load).
  await until(() => (client.phase.RS1 ?? 0) + (client.phase.RS2 ?? 0) >= 6, 20_000);
  const spreadBefore = client.takePhase();
  const summary: Summary = {
    readyMs, spreadBefore,
    failover: await failover(wire),
    restore: await restore(wire),
    realServerDown: await toggleServer(false),
    realServerUp: await toggleServer(true),
  };
  clearInterval(ticker);
  step('summary');
  summaryText(summary).forEach((l) => say(`  ${l}`));
  say(`summary: ${JSON.stringify(summary)}`);
  if (keep) keepUp();
  else process.exit(0);
};
main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
