// The reload verdict: what a HUP may apply, from the config test's exit code and errors.
import { describe, expect, it } from 'vitest';
import { errorKey } from '../../../src/supervisor/config-source.js';
import { fixedAtStartChange, reloadVerdict } from '../../../src/supervisor/reload.js';

const UNKNOWN = errorKey({ code: 'KAD_ERR_CONFIG_UNKNOWN_KEYWORD', message: "unknown keyword 'x' in global_defs" });
const model = {};

describe('reload verdict', () => {
  it('keys an error by code and text, not by where it stands', () => {
    expect(UNKNOWN).toBe("KAD_ERR_CONFIG_UNKNOWN_KEYWORD unknown keyword 'x' in global_defs");
  });

  it('applies a clean config, and refuses one that cannot run', () => {
    expect(reloadVerdict({ exitCode: 0, errors: [], config: model }, new Set(), true).ok).toBe(true);
    expect(reloadVerdict({ exitCode: 4, errors: [] }, new Set(), false)).toMatchObject({ ok: false, reason: 'the configuration cannot run (config test exit 4)' });
    // No model at all, whatever the exit code says.
    expect(reloadVerdict({ exitCode: 5, errors: [] }, new Set(), false).ok).toBe(false);
  });

  it('tolerates errors the running config already had, refuses new ones', () => {
    const v = { exitCode: 5, errors: [UNKNOWN], config: model };
    expect(reloadVerdict(v, new Set([UNKNOWN]), false)).toMatchObject({ ok: true, newErrors: [] });
    expect(reloadVerdict(v, new Set(), false)).toMatchObject({ ok: false, newErrors: [UNKNOWN] });
    // Warnings only (exit 5 for keepalived parity, e.g. a deprecated keyword): applied.
    expect(reloadVerdict({ exitCode: 5, errors: [], config: model }, new Set(), false).ok).toBe(true);
  });

  it('with reload_check_config only exit 0 is applied', () => {
    const v = { exitCode: 5, errors: [], config: model };
    expect(reloadVerdict(v, new Set(), true)).toMatchObject({ ok: false });
    expect(reloadVerdict(v, new Set(), true).reason).toContain('reload_check_config');
  });
});

describe('settings fixed at start (net_namespace, instance)', () => {
  it('refuses another namespace or instance name with keepalived\'s words, and allows the same ones', () => {
    expect(fixedAtStartChange({ instanceName: 'red' }, { instanceName: 'red' })).toBeUndefined();
    expect(fixedAtStartChange({}, { instanceName: 'red' })).toBe('Cannot change instance name at a reload - please restart kad');
    expect(fixedAtStartChange({ netNamespace: 'blue' }, {})).toBe('Cannot change network namespace at a reload (blue to none) - please restart kad');
    expect(fixedAtStartChange({ netNamespace: 'blue' }, { netNamespace: 'blue', netNamespaceIpvs: '' }))
      .toBe('Cannot change IPVS network namespace at a reload (none to default) - please restart kad');
  });
});
