/**
 * Config diagnostics: the record every check produces, the catalogue of codes with the
 * `keepalived -t` exit class each one maps to, and the formatting `kad -t` prints.
 *
 * keepalived 2.2.7's `-t` exit codes (keepalived-cli.md §4a): 0 OK, 4 cannot run, 5 errors but
 * would run, 6 scripts run as root without `enable_script_security`, and 2 when it stops in the
 * middle of reading (a keyword that must have a value has none): it neither runs nor finishes. The exit class of a code is
 * what keepalived does for the same input, measured; kad-only traps are warnings with class 0.
 */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: Severity;
  code: string;
  message: string;
}

export type ExitCode = 0 | 2 | 4 | 5 | 6;

interface CodeInfo {
  severity: Severity;
  exit: ExitCode;
}

/** Every config code, its printed severity and its `-t` exit class. */
export const CONFIG_CODES = {
  KAD_ERR_CONFIG_FILE_UNREADABLE: { severity: 'error', exit: 4 },
  KAD_ERR_CONFIG_BINARY: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_LINE_TOO_LONG: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_UNKNOWN_KEYWORD: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_UNEXPECTED_BRACE: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_MISSING_BRACE: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_UNMATCHED_QUOTE: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_MISSING_PARAMETER: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_NO_VALUE: { severity: 'error', exit: 2 },
  KAD_ERR_CONFIG_INVALID_NUMBER: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_INVALID_VALUE: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_INVALID_ADDRESS: { severity: 'error', exit: 5 },
  KAD_WARN_CONFIG_DEPRECATED: { severity: 'warning', exit: 5 },
  KAD_WARN_CONFIG_IPTABLES: { severity: 'warning', exit: 5 },
  KAD_WARN_CONFIG_ROUTE_ADJUSTED: { severity: 'warning', exit: 5 },
  KAD_ERR_CONFIG_INCLUDE_LOOP: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_INCLUDE_UNREADABLE: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_TOO_DEEP: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_UNKNOWN_REFERENCE: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_DUPLICATE: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_MISSING_REQUIRED: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_INCONSISTENT: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_INTERFACE_MISSING: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_UNICAST_NO_PEERS: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_SCRIPT_SECURITY: { severity: 'error', exit: 6 },
  KAD_ERR_CONFIG_SCRIPT_INSECURE: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_SCRIPT_NOT_FOUND: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_SCRIPT_USER: { severity: 'error', exit: 5 },
  KAD_ERR_CONFIG_INCLUDE_MISSING_FATAL: { severity: 'error', exit: 6 },
  KAD_WARN_CONFIG_INCLUDE_MISSING: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_STRICT_NO_ACCEPT: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_V3_CHECKSUM: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_UNKNOWN_GROUP: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_DUPLICATE_SERVICE: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_ADDRESS_SUFFIX: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_BLOCK_SHAPE: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_SCRIPT_NOT_FOUND: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_IGNORED: { severity: 'warning', exit: 0 },
  KAD_WARN_UNSUPPORTED: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_PROCESS_NAME: { severity: 'warning', exit: 0 },
  KAD_WARN_CONFIG_TOO_MANY: { severity: 'warning', exit: 0 },
} as const satisfies Record<string, CodeInfo>;

export type ConfigCode = keyof typeof CONFIG_CODES;

/** Where in the text a diagnostic points. */
export interface Position {
  file: string;
  line: number;
  col: number;
}

/** At most this many diagnostics are kept; the rest are counted in one final warning. */
export const MAX_DIAGNOSTICS = 1000;

/** Collects diagnostics in the order found; never throws. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  private dropped = 0;
  private worst: ExitCode = 0;

  report(at: Position, code: ConfigCode, message: string): void {
    const info: CodeInfo = CONFIG_CODES[code];
    this.worst = worseExit(this.worst, info.exit);
    if (this.list.length >= MAX_DIAGNOSTICS) {
      this.dropped++;
      return;
    }
    this.list.push({ file: at.file, line: at.line, col: at.col, severity: info.severity, code, message });
  }

  /** The diagnostics, with a closing note when some were dropped. */
  finish(): Diagnostic[] {
    if (this.dropped > 0) {
      const last = this.list[this.list.length - 1];
      this.list.push({
        file: last?.file ?? '',
        line: last?.line ?? 0,
        col: 0,
        severity: 'warning',
        code: 'KAD_WARN_CONFIG_TOO_MANY',
        message: `${this.dropped} more diagnostics not shown`,
      });
      this.dropped = 0;
    }
    return this.list;
  }

  get exitCode(): ExitCode {
    return this.worst;
  }
}

/** How bad each class is: a stop (2) ends the run, so it wins over everything found before it. */
const RANK: Record<ExitCode, number> = { 0: 0, 4: 1, 5: 2, 6: 3, 2: 4 };

/** keepalived reports the highest-numbered class found (6 over 5 over 4 over 0), or 2 if it stopped. */
export function worseExit(a: ExitCode, b: ExitCode): ExitCode {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The exit class of a list of diagnostics (codes outside the catalogue count as 5). */
export function exitCodeOf(diags: readonly Diagnostic[]): ExitCode {
  let worst: ExitCode = 0;
  for (const d of diags) {
    const info = (CONFIG_CODES as Record<string, CodeInfo | undefined>)[d.code];
    worst = worseExit(worst, info ? info.exit : 5);
  }
  return worst;
}

/** `file:line:col: error: text [KAD_ERR_...]` */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
}

/** Levenshtein distance, capped: returns cap+1 as soon as the distance exceeds cap. */
export function editDistance(a: string, b: string, cap = 4): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cap) return cap + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest known keyword, if one is close enough to be a likely typo. */
export function didYouMean(word: string, known: Iterable<string>): string | undefined {
  const cap = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = cap + 1;
  const lower = word.toLowerCase();
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase(), cap);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}
