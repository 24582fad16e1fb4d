/**
 * The line layer of the config language, before any block structure: `include` (globs resolved
 * against the including file's directory, through an injected reader), `@ID` / `@^ID`
 * conditional lines, `$NAME=value` definitions (a trailing `\` continues them) with `$NAME` /
 * `${NAME}` substitution (plus the predefined `${_PWD}`, `${_HASH}`, `${_BANG}`), and the
 * `~SEQ(var, [start,] [step,] end)` / `~LST(var, v1, ...)` line generators.
 *
 * Pure: every file access goes through {@link ConfigIo}.
 */
import { posix } from 'node:path';
import { lexLine, type Token } from './lexer.js';
import type { DiagnosticSink } from './diagnostics.js';

export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'missing' | 'unreadable' | 'directory' | 'too-large'; detail: string };

/** The file system as the parser sees it. */
export interface ConfigIo {
  readFile(path: string): ReadResult;
  /** Absolute paths matching a glob pattern (absolute), sorted; [] when nothing matches. */
  glob(pattern: string): string[];
}

/** A token with the place it came from. */
export type SourceToken = Token;

export interface SourceLine {
  file: string;
  line: number;
  tokens: SourceToken[];
}

export interface PreprocessOptions {
  configId: string;
  /** `-e`: a missing include is fatal. */
  allConfig: boolean;
}

const MAX_INCLUDE_DEPTH = 32;
/** keepalived reads lines into a fixed buffer too; nothing real comes close to this. */
export const MAX_LINE_CHARS = 65_536;
/** A line after $NAME substitution (multi-line definitions included) may not grow past this. */
const MAX_EXPANDED_CHARS = 1_048_576;
const MAX_SUBST_DEPTH = 16;
const MAX_SEQ_LINES = 100_000;
const NAME_RE = /\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const INCLUDE_RE = /^include[rmwba]?$/;
const DEF_RE = /^\$([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/s;

/** Reads the main file and everything it includes into one stream of lexed lines. */
export class Preprocessor {
  readonly lines: SourceLine[] = [];
  readonly files: string[] = [];
  private readonly defs = new Map<string, string>();
  private readonly stack: string[] = [];
  private seqLines = 0;

  /** `onLine` receives each line as it is produced; without it lines are collected in `lines`. */
  constructor(
    private readonly io: ConfigIo,
    private readonly sink: DiagnosticSink,
    private readonly opts: PreprocessOptions,
    private readonly onLine?: (tokens: SourceToken[]) => void,
  ) {}

  /** Returns false when the main file itself cannot be read. */
  run(mainFile: string): boolean {
    const r = this.io.readFile(mainFile);
    if (!r.ok) {
      this.sink.report({ file: mainFile, line: 0, col: 0 }, 'KAD_ERR_CONFIG_FILE_UNREADABLE',
        `cannot read configuration file: ${r.detail}`);
      return false;
    }
    this.readText(mainFile, r.text);
    return true;
  }

  private readText(file: string, text: string): void {
    this.files.push(file);
    this.stack.push(file);
    const raw = text.split('\n');
    let pending: { name: string; value: string } | undefined;
    for (let i = 0; i < raw.length; i++) {
      const lineNo = i + 1;
      let line = raw[i]!;
      if (line.length > MAX_LINE_CHARS) {
        this.sink.report({ file, line: lineNo, col: MAX_LINE_CHARS + 1 }, 'KAD_ERR_CONFIG_LINE_TOO_LONG',
          `line is ${line.length} characters long (limit ${MAX_LINE_CHARS}); line ignored`);
        continue;
      }
      if (line.includes('\0')) {
        this.sink.report({ file, line: lineNo, col: line.indexOf('\0') + 1 }, 'KAD_ERR_CONFIG_BINARY',
          'binary data (NUL byte) in the configuration; line ignored');
        continue;
      }
      if (pending) {
        pending.value += '\n' + stripContinuation(line);
        if (!line.trimEnd().endsWith('\\')) {
          this.defs.set(pending.name, pending.value);
          pending = undefined;
        }
        continue;
      }
      // Fast path: most lines start with neither '@', '$' nor '~' and hold no '$'.
      const first = firstNonBlank(line);
      if (first !== '@' && first !== '$' && first !== '~') {
        if (!line.includes('$')) this.emit(file, lineNo, line);
        else this.expandLine(file, lineNo, line, 0);
        continue;
      }
      const cond = this.conditional(line);
      if (cond === undefined) continue;
      line = cond;
      const def = DEF_RE.exec(line.trim());
      if (def) {
        const value = def[2]!.trim();
        if (value.endsWith('\\')) pending = { name: def[1]!, value: stripContinuation(value) };
        else this.defs.set(def[1]!, value);
        continue;
      }
      this.expandLine(file, lineNo, line, 0);
    }
    if (pending) this.defs.set(pending.name, pending.value);
    this.stack.pop();
  }

  /** `@ID rest` keeps rest when ID is the config id; `@^ID rest` when it is not. */
  private conditional(line: string): string | undefined {
    const t = line.trimStart();
    if (!t.startsWith('@')) return line;
    const m = /^@(\^?)(\S*)(.*)$/s.exec(t);
    if (!m) return line;
    const negate = m[1] === '^';
    const matches = m[2] === this.opts.configId;
    if (matches === negate) return undefined;
    return ' '.repeat(line.length - t.length + 1 + m[1]!.length + m[2]!.length) + m[3]!;
  }

  /** keepalived's predefined parameters that need no outside state. */
  private builtin(name: string): string | undefined {
    if (name === '_PWD') return posix.dirname(this.stack[this.stack.length - 1] ?? '/');
    if (name === '_HASH') return '#';
    if (name === '_BANG') return '!';
    return undefined;
  }

  /** Expands $NAME / ${NAME}; undefined when the result would exceed MAX_EXPANDED_CHARS. */
  private substitute(text: string): string | undefined {
    let out = text;
    for (let depth = 0; depth < MAX_SUBST_DEPTH && out.includes('$'); depth++) {
      let size = out.length;
      const next = out.replace(NAME_RE, (all, _b, braced?: string, bare?: string) => {
        const v = this.defs.get((braced ?? bare)!) ?? this.builtin((braced ?? bare)!);
        if (v === undefined || size > MAX_EXPANDED_CHARS) return all;
        size += v.length;
        return v;
      });
      if (size > MAX_EXPANDED_CHARS) return undefined;
      if (next === out) break;
      out = next;
    }
    return out;
  }

  private expandLine(file: string, lineNo: number, line: string, depth: number): void {
    const t = line.trimStart();
    if ((t.startsWith('~SEQ') || t.startsWith('~LST')) && depth < 8) {
      this.expandSeq(file, lineNo, line, t, depth);
      return;
    }
    const expanded = this.substitute(line);
    if (expanded === undefined) {
      this.sink.report({ file, line: lineNo, col: 1 }, 'KAD_ERR_CONFIG_LINE_TOO_LONG',
        `parameter substitution grows this line past ${MAX_EXPANDED_CHARS} characters (recursive definition?); line ignored`);
      return;
    }
    for (const part of expanded.split('\n')) this.emit(file, lineNo, part);
  }

  /** `~SEQ(var, [start,] [step,] end)`, `~SEQx(...)` (hex) and `~LST(var, v1, v2, ...)`. */
  private expandSeq(file: string, lineNo: number, line: string, t: string, depth: number): void {
    const m = /^~(SEQx?|LST)\(([^)]*)\)(.*)$/s.exec(t);
    const args = m ? m[2]!.split(',').map((a) => a.trim()) : [];
    const values = m && /^[A-Za-z_]\w*$/.test(args[0] ?? '') ? generatorValues(m[1]!, args.slice(1).map((a) => this.substitute(a) ?? '')) : undefined;
    if (!m || !values) {
      this.sink.report({ file, line: lineNo, col: line.length - t.length + 1 }, 'KAD_ERR_CONFIG_INVALID_VALUE',
        '~SEQ needs (var, [start,] [step,] end) with integer bounds; ~LST needs (var, value, ...)');
      return;
    }
    const name = args[0]!;
    const saved = this.defs.get(name);
    // Keep the generated text at its original column so diagnostics point into the real line.
    const rest = ' '.repeat(line.length - m[3]!.length) + m[3]!;
    for (const v of values) {
      if (++this.seqLines > MAX_SEQ_LINES) {
        this.sink.report({ file, line: lineNo, col: 1 }, 'KAD_ERR_CONFIG_INVALID_VALUE', `~SEQ/~LST expand to more than ${MAX_SEQ_LINES} lines`);
        break;
      }
      this.defs.set(name, v);
      this.expandLine(file, lineNo, rest, depth + 1);
    }
    if (saved === undefined) this.defs.delete(name);
    else this.defs.set(name, saved);
  }

  private emit(file: string, lineNo: number, text: string): void {
    const lexed = lexLine(text, file, lineNo);
    if (lexed.unmatchedQuoteCol !== undefined) {
      this.sink.report({ file, line: lineNo, col: lexed.unmatchedQuoteCol }, 'KAD_ERR_CONFIG_UNMATCHED_QUOTE',
        'unterminated quoted string; line ignored');
      return;
    }
    if (lexed.tokens.length === 0) return;
    const tokens = lexed.tokens;
    const first = tokens[0]!;
    if (!first.quoted && first.text.startsWith('include') && INCLUDE_RE.test(first.text)) {
      this.include(first, tokens.slice(1));
      return;
    }
    if (this.onLine) this.onLine(tokens);
    else this.lines.push({ file, line: lineNo, tokens });
  }

  private include(at: SourceToken, args: SourceToken[]): void {
    if (args.length === 0) {
      this.sink.report(at, 'KAD_ERR_CONFIG_MISSING_PARAMETER', 'include needs a file name or pattern');
      return;
    }
    const pattern = posix.resolve(posix.dirname(at.file), args[0]!.text);
    const matched = this.io.glob(pattern);
    if (matched.length === 0) {
      if (this.opts.allConfig) {
        this.sink.report(args[0]!, 'KAD_ERR_CONFIG_INCLUDE_MISSING_FATAL', `include '${args[0]!.text}' matches no file (fatal with -e)`);
      } else {
        // Measured: keepalived 2.2.7 logs "Config files missing" for a plain name, nothing for a glob.
        const said = /[*?[{]/.test(args[0]!.text) ? 'goes on without a word' : 'logs "Config files missing" and goes on';
        this.sink.report(args[0]!, 'KAD_WARN_CONFIG_INCLUDE_MISSING',
          `include '${args[0]!.text}' matches no file; keepalived 2.2.7 ${said} (exit 0), so this part of the configuration is NOT loaded`);
      }
      return;
    }
    for (const f of matched) this.includeOne(args[0]!, f);
  }

  private includeOne(at: SourceToken, file: string): void {
    if (this.stack.includes(file)) {
      this.sink.report(at, 'KAD_ERR_CONFIG_INCLUDE_LOOP', `include loop: ${[...this.stack, file].join(' -> ')}`);
      return;
    }
    if (this.stack.length >= MAX_INCLUDE_DEPTH) {
      this.sink.report(at, 'KAD_ERR_CONFIG_INCLUDE_LOOP', `includes nested deeper than ${MAX_INCLUDE_DEPTH}`);
      return;
    }
    const r = this.io.readFile(file);
    if (!r.ok) {
      if (r.reason === 'directory') return;
      this.sink.report(at, 'KAD_ERR_CONFIG_INCLUDE_UNREADABLE', `cannot read included file ${file}: ${r.detail}`);
      return;
    }
    this.readText(file, r.text);
  }
}

function stripContinuation(s: string): string {
  const t = s.trimEnd();
  return t.endsWith('\\') ? t.slice(0, -1) : t;
}

/** The values a line generator assigns, at most MAX_SEQ_LINES + 1; undefined when malformed. */
function generatorValues(kind: string, args: string[]): string[] | undefined {
  if (kind === 'LST') return args.length > 0 ? args : undefined;
  const nums = args.map(Number);
  if (nums.length < 1 || nums.length > 3 || nums.some((n) => !Number.isInteger(n))) return undefined;
  const [start, step, end] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  const out: string[] = [];
  if (step === 0) return out;
  for (let v = start; (step > 0 ? v <= end : v >= end) && out.length <= MAX_SEQ_LINES; v += step) {
    out.push(kind === 'SEQx' ? v.toString(16) : String(v));
  }
  return out;
}

/** The first character that is not a blank, or '' for a blank line. */
function firstNonBlank(line: string): string {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12) return line[i]!;
  }
  return '';
}
