// For tests that need nftables inside network namespaces: why they cannot run here (tests pass
// it through requirement(): skip loudly, under CI=true fail instead).
import { netnsUnavailableReason, run } from './netns.js';

/** Why nftables namespace tests cannot run here, or undefined when they can. */
export function nftUnavailableReason(): string | undefined {
  const ns = netnsUnavailableReason();
  if (ns) return ns;
  try {
    run('nft', ['--version']);
  } catch {
    return 'nft (package nftables) is not installed';
  }
  return undefined;
}
