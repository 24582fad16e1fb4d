/** Placeholder until this mode lands; it refuses clearly instead of pretending. */
import type { CliOptions } from './options.js';

export async function runConfigTest(_opts: CliOptions): Promise<number> {
  process.stderr.write('kad: this mode is not available in this build yet\n');
  return 1;
}
