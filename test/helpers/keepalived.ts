/**
 * The keepalived peer of the parity and interop tests: Debian 12's keepalived, pinned to 2.2.7
 * (the version the golden captures, the recorded exit codes and the measured behaviour come from).
 */
import { spawnSync } from 'node:child_process';

export const KEEPALIVED_VERSION = '2.2.7';

/** Why keepalived cannot serve as the reference here, or undefined when it can. */
export function keepalivedUnavailableReason(): string | undefined {
  const r = spawnSync('keepalived', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status === null) return 'keepalived is not installed (scripts/install-deps.sh installs it)';
  const m = /Keepalived v(\d+\.\d+\.\d+)/.exec(`${r.stdout}${r.stderr}`);
  if (!m) return `cannot read keepalived's version from \`keepalived -v\``;
  if (m[1] !== KEEPALIVED_VERSION) return `keepalived ${m[1]} is installed; these tests compare with ${KEEPALIVED_VERSION}`;
  return undefined;
}
