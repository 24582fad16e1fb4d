/**
 * The environment a script starts with: a fixed, minimal one, never the daemon's own (which may
 * carry settings meant for kad only). Bare program names are searched in the same directories.
 */

/** Where a bare script name is looked up, and the PATH the script sees. */
export const SCRIPT_PATH: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The environment of a script run as `user` with home directory `home`. */
export function scriptEnv(user: string, home: string): Record<string, string> {
  return { PATH: SCRIPT_PATH.join(':'), HOME: home, USER: user, LOGNAME: user, LANG: 'C' };
}

/** argv[0] as an absolute path: itself when it has a slash, else the first match in SCRIPT_PATH. */
export function programCandidates(argv0: string): string[] {
  if (argv0.includes('/')) return [argv0];
  return SCRIPT_PATH.map((d) => `${d}/${argv0}`);
}
