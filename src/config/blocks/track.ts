/**
 * Tracked objects and references to them: `vrrp_script`, `track_file` / `vrrp_track_file`,
 * `vrrp_track_process`, and the `track_*` lists inside instances and sync groups.
 */
import { ignore, registerTable, type Cx, type Table } from '../context.js';
import type { ScriptSpec, TrackFile, TrackProcess, TrackRef, VrrpScript } from '../model.js';
import { readScript } from '../script.js';
import type { Node } from '../tree.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type ScriptDraft = Mutable<VrrpScript> & { script: ScriptSpec; hasScript: boolean; source: Node };

function weightInto(cx: Cx, n: Node, t: { weight: number; weightReverse: boolean }, lim: number): void {
  const w = cx.int(n, 0, -lim, lim);
  if (w !== undefined) t.weight = w;
  if (n.args[1]?.text === 'reverse') t.weightReverse = true;
}

const SCRIPT_TABLE: Table<ScriptDraft> = registerTable<ScriptDraft>('vrrp_script', {
  script: (n, s, cx) => {
    const sp = readScript(cx, n, 0, true);
    if (sp) {
      s.script = sp;
      s.hasScript = true;
    }
  },
  // Whole seconds: keepalived 2.2.7 refuses '1.5' or '0.5' ("must be between 1 and 4294") and keeps 1 s.
  interval: (n, s, cx) => { s.intervalMs = (cx.int(n, 0, 1, 4294) ?? s.intervalMs / 1000) * 1000; },
  timeout: (n, s, cx) => { s.timeoutMs = cx.timerMs(n, 0, 0.001, 86400) ?? s.timeoutMs; },
  weight: (n, s, cx) => weightInto(cx, n, s, 253),
  rise: (n, s, cx) => { s.rise = cx.int(n, 0, 1, 65535) ?? s.rise; },
  fall: (n, s, cx) => { s.fall = cx.int(n, 0, 1, 65535) ?? s.fall; },
  user: (n, s, cx) => {
    s.script = { ...s.script, user: cx.arg(n, 0, 'a user') };
    if (n.args[1]) s.script = { ...s.script, group: n.args[1].text.replace(/^:/, '') };
  },
  init_fail: (_n, s) => { s.initFail = true; },
});

export function parseVrrpScript(cx: Cx, n: Node): ScriptDraft {
  const s: ScriptDraft = {
    name: n.args[0]?.text ?? '', script: { text: '', argv: [] }, hasScript: false, source: n,
    intervalMs: 1000, timeoutMs: 0, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false,
  };
  if (!n.args[0]) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', 'vrrp_script needs a name');
  cx.run(n.children, SCRIPT_TABLE, s, `vrrp_script ${s.name}`);
  if (s.timeoutMs === 0) s.timeoutMs = s.intervalMs;
  if (!s.hasScript) {
    cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `vrrp_script ${s.name} has no 'script'; it is removed`);
  }
  return s;
}

const FILE_TABLE: Table<Mutable<TrackFile>> = registerTable<Mutable<TrackFile>>('track_file', {
  file: (n, t, cx) => { t.file = cx.arg(n, 0, 'a path') ?? ''; },
  weight: (n, t, cx) => weightInto(cx, n, t, 254),
  init_file: (n, t, cx) => {
    const v = n.args[0] && n.args[0].text !== 'overwrite' ? cx.int(n, 0, -2147483648, 2147483647) ?? 0 : 0;
    t.initFile = { value: v, overwrite: n.args.some((a) => a.text === 'overwrite') };
  },
});

export function parseTrackFile(cx: Cx, n: Node): TrackFile & { hasFile: boolean } {
  const t: Mutable<TrackFile> = { name: n.args[0]?.text ?? '', file: '', weight: 1, weightReverse: false };
  cx.run(n.children, FILE_TABLE, t, `track_file ${t.name}`);
  if (!t.file) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `track_file ${t.name} has no 'file'`);
  return { ...t, hasFile: t.file !== '' };
}

type ProcessDraft = Mutable<TrackProcess>;

/** keepalived 2.2.7 keeps the first `process` and the first non-zero `weight` of a block. */
function once(cx: Cx, n: Node, given: boolean, name: string): boolean {
  if (given) cx.report(n.head, 'KAD_ERR_CONFIG_DUPLICATE', `vrrp_track_process ${name}: '${n.name}' is already given; this one is ignored`);
  return !given;
}

/** A delay in seconds: keepalived 2.2.7 takes 0.000001-3600 (µs resolution); 0 is refused. */
function delayMs(cx: Cx, n: Node): number | undefined {
  return cx.timerMs(n, 0, 0.000001, 3600);
}

const PROCESS_TABLE: Table<ProcessDraft> = registerTable<ProcessDraft>('vrrp_track_process', {
  process: (n, t, cx) => {
    if (!once(cx, n, t.process !== '', t.name)) return;
    t.process = cx.arg(n, 0, 'a process name') ?? '';
    t.args = n.args.slice(1).map((a) => a.text);
    // Parameters mean the command line is matched, exactly unless param_match says otherwise.
    if (t.args.length > 0) {
      if (t.paramMatch === 'none') t.paramMatch = 'exact';
      t.fullCommand = true;
    }
  },
  param_match: (n, t, cx) => {
    // Bare: the command line must have exactly the given parameters (none if none are given).
    const v = n.args[0] === undefined ? 'exact' : cx.oneOf(n, 0, ['initial', 'partial']);
    if (v === undefined) return;
    t.paramMatch = v;
    t.fullCommand = true;
  },
  weight: (n, t, cx) => {
    if (!once(cx, n, t.weight !== 0, t.name)) return;
    const w = cx.int(n, 0, -254, 254);
    if (w === undefined) return;
    t.weight = w;
    const opt = n.args[1];
    if (opt?.text === 'reverse') t.weightReverse = true;
    else if (opt) cx.report(opt, 'KAD_ERR_CONFIG_INVALID_VALUE', `vrrp_track_process ${t.name}: unknown weight option '${opt.text}'`);
  },
  quorum: (n, t, cx) => {
    const q = cx.int(n, 0, 1, 65535);
    if (q === undefined) return;
    if (t.quorumMax !== undefined && q > t.quorumMax) {
      cx.report(cx.pos(n, 0), 'KAD_ERR_CONFIG_INCONSISTENT', `vrrp_track_process ${t.name}: quorum ${q} is above quorum_max ${t.quorumMax}; ignored`);
      return;
    }
    t.quorum = q;
  },
  quorum_max: (n, t, cx) => {
    const m = cx.int(n, 0, 0, 65535);
    if (m === undefined) return;
    // quorum_max 0 (no process may run) is allowed while quorum is the default 1.
    if ((m > 0 || t.quorum > 1) && m < t.quorum) {
      cx.report(cx.pos(n, 0), 'KAD_ERR_CONFIG_INCONSISTENT', `vrrp_track_process ${t.name}: quorum_max ${m} is below quorum ${t.quorum}; ignored`);
      return;
    }
    t.quorumMax = m;
    if (m === 0) t.quorum = 0;
    else if (t.quorum === 0) t.quorum = 1;
  },
  fork_delay: (n, t, cx) => { t.forkDelayMs = delayMs(cx, n) ?? t.forkDelayMs; },
  terminate_delay: (n, t, cx) => { t.terminateDelayMs = delayMs(cx, n) ?? t.terminateDelayMs; },
  delay: (n, t, cx) => {
    const d = delayMs(cx, n);
    if (d !== undefined) t.forkDelayMs = t.terminateDelayMs = d;
  },
  full_command: (_n, t) => { t.fullCommand = true; },
});

/** The comm field of a process holds at most this many characters (TASK_COMM_LEN - 1). */
export const COMM_MAX = 15;

export function parseTrackProcess(cx: Cx, n: Node): TrackProcess {
  const t: ProcessDraft = {
    name: n.args[0]?.text ?? '', process: '', args: [], paramMatch: 'none', weight: 0, weightReverse: false,
    quorum: 1, forkDelayMs: 0, terminateDelayMs: 0, fullCommand: false,
  };
  cx.run(n.children, PROCESS_TABLE, t, `vrrp_track_process ${t.name}`);
  if (!t.process) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `vrrp_track_process ${t.name} has no 'process'`);
  else if (!t.fullCommand && t.process.length > COMM_MAX) {
    cx.report(n.head, 'KAD_WARN_CONFIG_PROCESS_NAME',
      `vrrp_track_process ${t.name}: '${t.process}' is longer than a process name can be (${COMM_MAX} characters) and never matches; add full_command to match the command line`);
  }
  return t;
}

/** `track_* { NAME [weight N [reverse|noreverse]] }` entries. */
export function parseTrackRefs(cx: Cx, n: Node, weightLimit: number): TrackRef[] {
  return cx.entries(n).map((e) => {
    const ref: Mutable<TrackRef> = { name: e.name, reverse: false };
    for (let i = 0; i < e.args.length; i++) {
      const w = e.args[i]!.text;
      if (w === 'weight') {
        const v = cx.int(e, i + 1, -weightLimit, weightLimit);
        if (v !== undefined) ref.weight = v;
        i++;
      } else if (w === 'reverse') ref.reverse = true;
      else if (w !== 'noreverse') cx.report(e.args[i]!, 'KAD_ERR_CONFIG_INVALID_VALUE', `unknown track option '${w}'`);
    }
    return ref;
  });
}

export const TRACK_IGNORED = { track_bfd: ignore } as const;
