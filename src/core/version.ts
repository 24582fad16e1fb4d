/** `kad -v`: version, like keepalived's first lines. */
import { readFileSync } from 'node:fs';
import { release } from 'node:os';

export function versionText(): string {
  const pkgUrl = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string };
  return [
    `kad v${pkg.version} (keepalived.conf compatible)`,
    `Running on Linux ${release()}, Node.js ${process.version}`,
    'Build options: VRRP VRRPv3 LVS JSON',
  ].join('\n');
}
