/**
 * The one rule for tests whose requirement (root, namespaces, user-mode Linux, keepalived, a
 * Debian tool) is missing: outside CI they skip and say so loudly; under CI (`CI=true`) the
 * file fails, because CI is root and installs everything, so a missing requirement there is a
 * missing install step, not a reason to skip.
 */

/**
 * Returns `reason` (the suite must skip) or undefined (it can run). Warns naming `suite` when it
 * skips; throws when `reason` is set and the environment says CI.
 */
export function requirement(suite: string, reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  if (process.env.CI === 'true') throw new Error(`${suite}: requirement missing under CI (must not skip): ${reason}`);
  console.warn(`SKIPPED ${suite}: ${reason}`);
  return reason;
}
