/**
 * `kad genhash` / `kad -T`: fetch a URL like the HTTP_GET/SSL_GET checker does and print the MD5
 * digest of the body to put in `digest`, with keepalived genhash's options and output.
 */
import { SystemClock } from '../core/clock.js';
import { fetchUrl, md5Hex, type FetchOptions } from '../check/http.js';
import { hexdump } from '../check/hexdump.js';
import { endpointName, type CheckTarget } from '../check/types.js';
import type { RealServer, VirtualServer } from '../config/model.js';

const USAGE = `Usage: genhash COMMAND [OPTIONS]
Commands:
   -s server-address -p port -u url
   -S -s server-address -p port -u url
   -h

Options:
Either long or short options are allowed.
   --use-ssl         -S       Use SSL connection to remote server.
   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).
   --server          -s       Use the specified remote server address.
   --port            -p       Use the specified remote server port.
   --url             -u       Use the specified remote server url.
   --use-virtualhost -V       Use the specified virtualhost in GET query.
   --verbose         -v       Use verbose mode output.
   --help            -h       Display this short inlined help screen.
   --fwmark          -m       Use the specified FW mark.
   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.
                                1.0c means 1.0 with 'Connection: close'
   --timeout         -t       Timeout in seconds
`;

export interface GenhashArgs {
  server?: string;
  port?: number;
  url?: string;
  ssl: boolean;
  sni: boolean;
  virtualhost?: string;
  verbose: boolean;
  help: boolean;
  protocol: '1.0' | '1.0C' | '1.1';
  timeoutMs: number;
}

const LONG: Readonly<Record<string, string>> = {
  'use-ssl': 'S', 'use-sni': 'I', server: 's', port: 'p', url: 'u', 'use-virtualhost': 'V', verbose: 'v',
  help: 'h', fwmark: 'm', protocol: 'P', timeout: 't',
};
const WITH_VALUE = new Set(['s', 'p', 'u', 'V', 'm', 'P', 't']);

/** Parse genhash's options; returns an error message on bad input. */
export function parseGenhashArgs(argv: readonly string[]): GenhashArgs | string {
  const a: GenhashArgs = { ssl: false, sni: false, verbose: false, help: false, protocol: '1.0', timeoutMs: 5000 };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    if (arg.startsWith('--')) {
      const [name, v] = arg.slice(2).split(/=(.*)/s, 2);
      const short = LONG[name ?? ''];
      if (!short) return `unrecognized option '${arg}'`;
      arg = `-${short}`;
      value = v;
    }
    const opt = arg.slice(1);
    if (!/^-[a-zA-Z]$/.test(arg)) return `invalid option '${arg}'`;
    if (WITH_VALUE.has(opt) && value === undefined) {
      value = argv[++i];
      if (value === undefined) return `option requires an argument -- '${opt}'`;
    }
    const err = applyOption(a, opt, value ?? '');
    if (err) return err;
  }
  return a;
}

function applyOption(a: GenhashArgs, opt: string, v: string): string | undefined {
  switch (opt) {
    case 'S': a.ssl = true; break;
    case 'I': a.sni = true; break;
    case 'v': a.verbose = true; break;
    case 'h': a.help = true; break;
    case 's': a.server = v; break;
    case 'u': a.url = v; break;
    case 'V': a.virtualhost = v; break;
    case 'm': break;
    case 'p':
      if (!/^\d+$/.test(v) || Number(v) > 65535) return `invalid port '${v}'`;
      a.port = Number(v);
      break;
    case 'P': {
      const p = v.toUpperCase();
      if (p !== '1.0' && p !== '1.0C' && p !== '1.1') return `invalid protocol '${v}'`;
      a.protocol = p;
      break;
    }
    case 't':
      if (!/^\d+$/.test(v)) return `invalid timeout '${v}'`;
      a.timeoutMs = Number(v) * 1000;
      break;
    default:
      return `invalid option -- '${opt}'`;
  }
  return undefined;
}

function banner(title: string): string {
  return `-----------------------[ ${title} ]-----------------------\n`;
}

export async function runGenhash(argv: readonly string[]): Promise<number> {
  const a = parseGenhashArgs(argv);
  if (typeof a === 'string') {
    process.stderr.write(`genhash: ${a}\n${USAGE}`);
    return 1;
  }
  if (a.help) {
    process.stdout.write(USAGE);
    return 1;
  }
  if (a.server === undefined || a.port === undefined || a.url === undefined) {
    process.stderr.write(USAGE);
    return 1;
  }
  const clock = new SystemClock();
  const family = a.server.includes(':') ? 6 : 4;
  const target: CheckTarget = {
    address: a.server, port: a.port, family, name: endpointName(a.server, 'tcp', a.port),
    vs: {} as VirtualServer, rs: {} as RealServer,
  };
  const opts: FetchOptions = { path: a.url, protocol: a.protocol, timeoutMs: a.timeoutMs };
  if (a.virtualhost !== undefined) opts.virtualhost = a.virtualhost;
  if (a.ssl) opts.tls = a.sni && a.virtualhost !== undefined ? { verify: false, servername: a.virtualhost } : { verify: false };
  const started = clock.nowMs();
  const r = await fetchUrl(target, opts, clock);
  const usecs = Math.round((clock.nowMs() - started) * 1000);
  const out: string[] = [];
  if (!r.ok) {
    out.push('Connection failed\n');
  } else {
    const digest = md5Hex(r.response.body);
    if (a.verbose) {
      out.push(banner('   HTTP Header Buffer   '), hexdump(r.response.headerBytes));
      out.push(banner('HTTP Header Ascii Buffer'), r.response.headerBytes.toString('latin1'), '\n');
      out.push(banner('       HTML Buffer       '), hexdump(r.response.body), '\n');
      out.push(banner('   HTML hash resulting   '), hexdump(Buffer.from(digest, 'hex')));
      out.push(banner('HTML hash final resulting'));
    }
    out.push(`${digest}\n`);
  }
  if (a.verbose) out.push(`\nGlobal response time for [${a.url}] = ${usecs} usecs\n`);
  process.stdout.write(out.join(''));
  return 0;
}
