// The reload verdict: what a HUP may apply, from the config test's exit code and errors.
import { describe, expect, it } from 'vitest';
import { errorKey, parseValidatorOutput, reloadVerdict } from '../../../src/supervisor/reload.js';

const json = (exitCode: number, diags: { severity: string; code: string; message: string }[]): string =>
  JSON.stringify({ file: '/k.conf', exitCode, diagnostics: diags.map((d, i) => ({ file: '/k.conf', line: i + 1, col: 1, ...d })) });

const UNKNOWN = { severity: 'error', code: 'KAD_ERR_CONFIG_UNKNOWN_KEYWORD', message: "unknown keyword 'x' in global_defs" };
const DEPRECATED = { severity: 'warning', code: 'KAD_WARN_CONFIG_DEPRECATED', message: "nb_get_retry is deprecated, use 'retry'" };

describe('reload verdict', () => {
  it('parses kad -t --json into readable lines and error keys (warnings are not errors)', () => {
    const v = parseValidatorOutput(5, json(5, [UNKNOWN, DEPRECATED]));
    expect(v.errors).toEqual([errorKey(UNKNOWN)]);
    expect(v.diagnostics.split('\n')).toEqual([
      "/k.conf:1:1: error: unknown keyword 'x' in global_defs [KAD_ERR_CONFIG_UNKNOWN_KEYWORD]",
      "/k.conf:2:1: warning: nb_get_retry is deprecated, use 'retry' [KAD_WARN_CONFIG_DEPRECATED]",
    ]);
    expect(parseValidatorOutput(4, 'plain text\n')).toEqual({ exitCode: 4, diagnostics: 'plain text', errors: [] });
  });

  it('applies a clean config, and refuses one that cannot run or a crashed checker', () => {
    expect(reloadVerdict({ exitCode: 0, diagnostics: '', errors: [] }, new Set(), true).ok).toBe(true);
    expect(reloadVerdict({ exitCode: 4, diagnostics: '', errors: [] }, new Set(), false).ok).toBe(false);
    expect(reloadVerdict({ exitCode: null, diagnostics: '', errors: [] }, new Set(), false).ok).toBe(false);
    expect(reloadVerdict({ exitCode: 1, diagnostics: '', errors: [] }, new Set(), false).ok).toBe(false);
  });

  it('tolerates errors the running config already had, refuses new ones', () => {
    const v = parseValidatorOutput(5, json(5, [UNKNOWN]));
    expect(reloadVerdict(v, new Set([errorKey(UNKNOWN)]), false)).toMatchObject({ ok: true, newErrors: [] });
    expect(reloadVerdict(v, new Set(), false)).toMatchObject({ ok: false, newErrors: [errorKey(UNKNOWN)] });
    // Warnings only (exit 5 for keepalived parity, e.g. a deprecated keyword): applied.
    expect(reloadVerdict(parseValidatorOutput(5, json(5, [DEPRECATED])), new Set(), false).ok).toBe(true);
  });

  it('with reload_check_config only exit 0 is applied', () => {
    const v = parseValidatorOutput(5, json(5, [DEPRECATED]));
    expect(reloadVerdict(v, new Set(), true)).toMatchObject({ ok: false });
    expect(reloadVerdict(v, new Set(), true).reason).toContain('reload_check_config');
  });
});
