/**
 * `kad status` as text (pure): the status document laid out as aligned tables, one for the
 * processes, one for the VRRP instances (with the last transition and its reason), one for
 * the virtual and real servers.
 */
import type { StatusDocument } from './types.js';

/** Columns padded to their widest cell, two spaces apart. */
export function formatRows(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

const time = (iso: string | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

/** A duration for the eye: 0.1 ms resolution (the document keeps the full value). */
const ms = (x: number | undefined): string => `${(x ?? 0).toFixed(1)} ms`;

function processRows(doc: StatusDocument): string[] {
  const rows = [['PROCESS', 'PID', 'STATE', 'READY', 'RESTARTS', 'STARTED']];
  for (const p of doc.processes) rows.push([p.kind, p.pid === undefined ? '-' : String(p.pid), p.state, p.ready ? 'yes' : 'no', String(p.restarts), time(p.startedAt)]);
  return formatRows(rows);
}

function instanceRows(doc: StatusDocument): string[] {
  if (doc.instances.length === 0) return [`no VRRP instance (vrrp: ${doc.sources.vrrp})`];
  const rows = [['INSTANCE', 'VRID', 'INTF', 'STATE', 'PRIO', 'MASTER', 'VIPS', 'LAST CHANGE']];
  for (const i of doc.instances) {
    const t = i.lastTransition;
    const why = t ? `${t.from}->${t.to} ${t.reason} ${time(t.at)}${t.peer ? ` peer ${t.peer}` : ''}` : '-';
    const prio = i.basePriority === i.effectivePriority ? String(i.effectivePriority) : `${i.effectivePriority} (base ${i.basePriority})`;
    rows.push([i.name, String(i.vrid), i.interface, i.state, prio, i.masterAddress ?? '-', i.vips.join(',') || '-', why]);
  }
  return formatRows(rows);
}

function serverRows(doc: StatusDocument): string[] {
  if (doc.virtualServers.length === 0) return [`no virtual server (checker: ${doc.sources.checker})`];
  const rows = [['VIRTUAL SERVER', 'REAL SERVER', 'STATE', 'WEIGHT', 'LAST CHECK']];
  for (const vs of doc.virtualServers) {
    rows.push([vs.name, '', vs.quorumUp ? 'quorum up' : 'QUORUM DOWN', `${vs.liveWeight}/${vs.quorum}`, `${vs.scheduler} ${vs.protocol}`]);
    for (const rs of vs.realServers) {
      const last = rs.checkers.map((c) => c.last).filter((l) => l !== undefined).sort((a, b) => b.at.localeCompare(a.at))[0];
      const check = last ? `${last.ok ? 'ok' : `failed (${last.reason ?? 'error'})`} ${time(last.at)} ${ms(last.durationMs)}` : '-';
      rows.push(['', rs.name, rs.alive ? 'alive' : 'DOWN', String(rs.weight), check]);
    }
  }
  return formatRows(rows);
}

/** The whole table text, ending with a newline. */
export function formatStatus(doc: StatusDocument): string {
  const r = doc.reloads;
  const reload = r.count === 0 ? 'no reload' : `reloads ${r.count}, last ${time(r.lastAt)} ${r.lastOk ? 'ok' : 'failed'} in ${ms(r.lastDurationMs)}`;
  const head = `kad ${doc.ready ? 'ready' : 'NOT READY'}, ${reload}, as of ${time(doc.generatedAt)}`;
  return [head, '', ...processRows(doc), '', ...instanceRows(doc), '', ...serverRows(doc), ''].join('\n');
}
