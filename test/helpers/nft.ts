// For tests that need nftables inside network namespaces: why they cannot run here, with the
// rule every lab test keeps (skip loudly; under CI=true fail instead).
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

/** The reason `suite` is skipped (printed), or undefined; throws under CI instead of skipping. */
export function nftSkipReason(suite: string): string | undefined {
  const why = nftUnavailableReason();
  if (why && process.env.CI === 'true') throw new Error(`${suite}: ${why}`);
  if (why) console.warn(`SKIPPED ${suite}: ${why}`);
  return why;
}
