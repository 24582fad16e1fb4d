/** Placeholder until genhash lands; it refuses clearly instead of pretending. */
export async function runGenhash(_argv: readonly string[]): Promise<number> {
  process.stderr.write('kad: genhash is not available in this build yet\n');
  return 1;
}
