/**
 * Script specifications: `"path args"` split into argv with keepalived's rules (blanks separate,
 * single or double quotes protect), followed by an optional `user [group]`.
 */
import type { Cx } from './context.js';
import type { ScriptSpec } from './model.js';
import type { Node } from './tree.js';

/** Splits a command line into argv; quotes group words and are removed. */
export function splitArgv(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let have = false;
  let quote: string | undefined;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      have = true;
    } else if (c === ' ' || c === '\t') {
      if (have || cur) out.push(cur);
      cur = '';
      have = false;
    } else {
      cur += c;
    }
  }
  if (have || cur) out.push(cur);
  return out;
}

/**
 * Reads `KEYWORD SCRIPT [user [group]]` starting at argument `i`. With `wholeLine` (vrrp_script
 * `script`, MISC_CHECK `misc_path`, whose user is a keyword of its own) every word is part of
 * the command, as keepalived reads them.
 */
export function readScript(cx: Cx, n: Node, i = 0, wholeLine = false): ScriptSpec | undefined {
  const first = cx.arg(n, i, 'a script');
  if (first === undefined) return undefined;
  const text = wholeLine ? n.args.slice(i).map((a) => a.text).join(' ') : first;
  const argv = splitArgv(text);
  if (argv.length === 0) {
    cx.report(cx.pos(n, i), 'KAD_ERR_CONFIG_MISSING_PARAMETER', `'${n.name}' has an empty script`);
    return undefined;
  }
  const spec: { text: string; argv: string[]; user?: string; group?: string } = { text, argv };
  const user = wholeLine ? undefined : n.args[i + 1]?.text;
  const group = wholeLine ? undefined : n.args[i + 2]?.text;
  if (user !== undefined) spec.user = user;
  if (group !== undefined) spec.group = group.replace(/^:/, '');
  return spec;
}
