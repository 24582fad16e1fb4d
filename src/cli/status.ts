/**
 * `kad status [--socket PATH] [--json] [--watch [SECONDS]]`: reads the status document from
 * the running kad's status socket and prints it as tables (or the raw JSON). --watch redraws
 * it every SECONDS (default 2) until interrupted.
 */
import { Command, CommanderError } from 'commander';
import { request } from 'node:http';
import { DEFAULT_STATUS_SOCKET } from '../core/options.js';
import { formatStatus } from '../status/table.js';
import type { StatusDocument } from '../status/types.js';

/** GET `path` on the unix socket; resolves the status code and body. */
export function getFromSocket(socketPath: string, path: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${socketPath} in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

interface StatusFlags {
  socket: string;
  json: boolean;
  watch?: string | true;
}

function parse(argv: readonly string[]): StatusFlags {
  const cmd = new Command('kad status')
    .description('show the state of a running kad (from its status socket)')
    .option('--socket <path>', 'status socket of the running kad', DEFAULT_STATUS_SOCKET)
    .option('--json', 'print the raw status document', false)
    .option('-w, --watch [seconds]', 'refresh every SECONDS (default 2)')
    .allowExcessArguments(false)
    .exitOverride();
  cmd.parse([...argv], { from: 'user' });
  return cmd.opts<StatusFlags>();
}

async function once(f: StatusFlags): Promise<string> {
  const r = await getFromSocket(f.socket, '/status');
  if (r.status !== 200) throw new Error(`status socket answered ${r.status}: ${r.body.trim()}`);
  if (f.json) return r.body;
  return formatStatus(JSON.parse(r.body) as StatusDocument);
}

/** Run `kad status`; returns the exit code (1 when kad cannot be reached). */
export async function runStatus(argv: readonly string[]): Promise<number> {
  let f: StatusFlags;
  try {
    f = parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    throw err;
  }
  const show = async (): Promise<boolean> => {
    try {
      const text = await once(f);
      process.stdout.write((f.watch !== undefined && process.stdout.isTTY ? '\x1b[H\x1b[2J' : '') + text);
      return true;
    } catch (err) {
      process.stderr.write(`kad status: cannot read ${f.socket}: ${(err as Error).message}\n`);
      return false;
    }
  };
  if (f.watch === undefined) return (await show()) ? 0 : 1;
  const everyMs = Math.max(0.2, f.watch === true ? 2 : Number(f.watch) || 2) * 1000;
  for (;;) {
    await show();
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
