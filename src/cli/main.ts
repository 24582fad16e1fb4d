/**
 * kad entry point: parses flags and hands over to the mode they select (config test, genhash,
 * signal number, version, daemon). No logic lives here.
 */
import { CommanderError } from 'commander';
import { parseCli, type CliOptions } from './options.js';
import { signumFor } from '../core/signal-table.js';
import { versionText } from '../core/version.js';

export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_CONFIG = 2;

async function runMode(opts: CliOptions): Promise<number> {
  if (opts.version) {
    process.stdout.write(versionText() + '\n');
    return EXIT_OK;
  }
  if (opts.signum !== undefined) {
    const n = signumFor(opts.signum);
    if (n === undefined) {
      process.stderr.write(`Unknown sigfunc ${opts.signum}\n`);
      return EXIT_FATAL;
    }
    process.stdout.write(`${n}\n`);
    return EXIT_OK;
  }
  if (opts.configTest !== undefined || opts.dumpConf) {
    const { runConfigTest } = await import('./config-test.js');
    return runConfigTest(opts);
  }
  const { runDaemon } = await import('./daemon.js');
  return runDaemon(opts);
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '-T' || argv[0] === '--genhash' || argv[0] === 'genhash') {
    const { runGenhash } = await import('./genhash.js');
    return runGenhash(argv.slice(1));
  }
  if (argv[0] === 'status') {
    const { runStatus } = await import('./status.js');
    return runStatus(argv.slice(1));
  }
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version print and exit 0; usage errors exit like keepalived's (1).
      return err.exitCode === 0 ? EXIT_OK : EXIT_FATAL;
    }
    throw err;
  }
  return runMode(opts);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`kad: internal error: ${msg}\n`);
    process.exitCode = 70;
  },
);
