// What the demo prints: the live status line, the parse of `ipvsadm -Ln`, the final summary.
// Pure: the guest program (guest.ts) gathers the facts and hands them here.

/** Answers counted by body ("RS1", "RS2", "error"). */
export type Spread = Record<string, number>;

/** One look at the lab. */
export interface Snapshot {
  elapsedMs: number;
  /** Directors holding the client-side VIP (a killed master keeps its stale copy until restarted). */
  vipOn: readonly string[];
  /** Director → real server address → weight in its IPVS table. */
  tables: Readonly<Record<string, ReadonlyMap<string, number>>>;
  /** Real server name → its HTTP server runs. */
  serving: Readonly<Record<string, boolean>>;
  /** The client's answers since the previous snapshot. */
  spread: Spread;
}

export interface RealServerView {
  name: string;
  addr: string;
}

/** `ipvsadm -Ln` → real server address → weight (the forwarding lines `-> ADDR:PORT Masq W ...`). */
export function parseTable(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/->\s+(\d+\.\d+\.\d+\.\d+):\d+\s+\w+\s+(\d+)/g)) out.set(m[1]!, Number(m[2]));
  return out;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export function formatSpread(s: Spread): string {
  const keys = Object.keys(s).sort();
  return keys.length === 0 ? 'no answers' : keys.map((k) => `${k} ${s[k]}`).join(', ');
}

/** One live line: VIP holder, each real server (runs? in which director's table, weight), client answers. */
export function statusLine(snap: Snapshot, servers: readonly RealServerView[]): string {
  const vip = snap.vipOn.length === 0 ? 'nobody' : snap.vipOn.join(' + ');
  const rs = servers.map((s) => {
    const inTables = Object.entries(snap.tables)
      .filter(([, t]) => t.has(s.addr))
      .map(([d, t]) => `${d.replace('kaddir', 'd')}:w${t.get(s.addr)}`);
    return `${s.name} ${snap.serving[s.name] ? 'up' : 'DOWN'} [${inTables.join(' ') || 'in no table'}]`;
  });
  return `${seconds(snap.elapsedMs).padStart(7)}  VIP on ${vip.padEnd(7)} | ${rs.join(' | ')} | client: ${formatSpread(snap.spread)}`;
}

/** What the scenario measured (guest.ts fills it; printed and checked by test/integration/demo.test.ts). */
export interface Summary {
  readyMs: number;
  spreadBefore: Spread;
  failover: {
    /** Master_Down_Interval of the backup (RFC 3768 §6.1), what the gap should be. */
    masterDownIntervalMs: number;
    /** On the wire: the master's last advert → the backup's first. */
    advertGapMs?: number;
    /** SIGKILL of the master → the backup's first advert / gratuitous ARP for the VIP. */
    killToAdvertMs?: number;
    killToGarpMs?: number;
    /** SIGKILL → the VIPs are on the backup. */
    killToVipMs: number;
    /** The client's longest wait for an answer (last answer before a failed request → next answer), if a request failed. */
    clientGapMs?: number;
    spread: Spread;
  };
  restore: {
    /** Start of the master → its first advert on the wire (includes kad's start-up). */
    startToAdvertMs?: number;
    /** Start of the master → the VIPs are back on it and gone from the backup. */
    startToVipMs: number;
    spread: Spread;
  };
  realServerDown: Detection;
  realServerUp: Detection;
}

export interface Detection {
  server: string;
  /** Server stopped (started) → kad logs the removal (addition). */
  logMs?: number;
  /** Server stopped (started) → the VIP holder's IPVS table shows it. */
  tableMs: number;
  spread: Spread;
}

const opt = (ms: number | undefined): string => (ms === undefined ? 'not seen' : `${ms} ms`);

/** The human summary (the JSON follows it on one `summary:` line). */
export function summaryText(s: Summary): string[] {
  const f = s.failover;
  return [
    `lab ready (VIPs on the master, both tables programmed) after ${seconds(s.readyMs)}`,
    `before:   client answers ${formatSpread(s.spreadBefore)} (wrr 2:1)`,
    `failover: master killed (kad SIGKILLed, links cut); on the wire, its last advert -> the backup's first: ${opt(f.advertGapMs)} ` +
      `(Master_Down_Interval ${f.masterDownIntervalMs} ms)`,
    `          kill -> backup's first advert ${opt(f.killToAdvertMs)}, -> its gratuitous ARP ${opt(f.killToGarpMs)}, ` +
      `-> both VIPs on the backup ${f.killToVipMs} ms`,
    `          client: ${formatSpread(f.spread)}; ` +
      (f.clientGapMs === undefined ? 'no request failed' : `longest time without an answer ${f.clientGapMs} ms`),
    `restore:  master started -> its first advert ${opt(s.restore.startToAdvertMs)}, -> VIPs back (preempt) ` +
      `${s.restore.startToVipMs} ms; client: ${formatSpread(s.restore.spread)}`,
    detectionText('down', s.realServerDown),
    detectionText('up', s.realServerUp),
  ];
}

function detectionText(dir: 'down' | 'up', d: Detection): string {
  const verb = dir === 'down' ? 'stopped' : 'started';
  const seen = dir === 'down' ? 'removed' : 'added back';
  return `${`${d.server} ${dir}:`.padEnd(10)}server ${verb} -> kad logs it ${opt(d.logMs)}, -> ${seen} in the IPVS table ` +
    `${d.tableMs} ms; client: ${formatSpread(d.spread)}`;
}
