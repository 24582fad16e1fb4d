/**
 * Layer: the nftables seam. Runs nft scripts (one atomic batch each) through libnftables
 * (`libnftables.so.1`, Debian package libnftables1) loaded with koffi, so a state transition
 * costs a library call and no process. When the library cannot be loaded, the `nft` command
 * (package nftables) runs the script instead. Both are synchronous: the caller orders firewall
 * changes against address changes by calling in sequence.
 *
 * The process keeps one context (libnftables caches the ruleset per context) and remembers the
 * tables it installed, so a runtime that replaces another in the same process can clean up
 * after it.
 */
import { spawnSync } from 'node:child_process';
import koffi from 'koffi';

/** The outcome of one script: nft's error text on failure. */
export type NftResult = { ok: true; output: string } | { ok: false; error: string };

/** What the firewall adapter needs from nftables. */
export interface NftPort {
  /** Which implementation runs the scripts (`libnftables` or `nft`). */
  readonly via: 'libnftables' | 'nft';
  run(script: string): NftResult;
  /** Names of the tables this process installed and has not removed. */
  readonly installed: Set<string>;
}

type Ctx = unknown;

interface Lib {
  newCtx: (flags: number) => Ctx;
  bufferOutput: (ctx: Ctx) => number;
  bufferError: (ctx: Ctx) => number;
  run: (ctx: Ctx, buf: string) => number;
  output: (ctx: Ctx) => string | null;
  error: (ctx: Ctx) => string | null;
}

function loadLib(): Lib {
  const lib = koffi.load('libnftables.so.1');
  koffi.opaque('nft_ctx');
  return {
    newCtx: lib.func('nft_ctx *nft_ctx_new(uint32_t flags)'),
    bufferOutput: lib.func('int nft_ctx_buffer_output(nft_ctx *ctx)'),
    bufferError: lib.func('int nft_ctx_buffer_error(nft_ctx *ctx)'),
    run: lib.func('int nft_run_cmd_from_buffer(nft_ctx *ctx, const char *buf)'),
    output: lib.func('const char *nft_ctx_get_output_buffer(nft_ctx *ctx)'),
    error: lib.func('const char *nft_ctx_get_error_buffer(nft_ctx *ctx)'),
  };
}

class LibNftables implements NftPort {
  readonly via = 'libnftables';
  readonly installed = new Set<string>();

  constructor(private readonly lib: Lib, private readonly ctx: Ctx) {}

  run(script: string): NftResult {
    const rc = this.lib.run(this.ctx, script);
    // Reading a buffer resets it for the next command.
    const output = this.lib.output(this.ctx) ?? '';
    const error = this.lib.error(this.ctx) ?? '';
    return rc === 0 ? { ok: true, output } : { ok: false, error: error.trim() || `nft_run_cmd_from_buffer returned ${rc}` };
  }
}

class NftCommand implements NftPort {
  readonly via = 'nft';
  readonly installed = new Set<string>();

  run(script: string): NftResult {
    const r = spawnSync('nft', ['-f', '-'], { input: script, encoding: 'utf8', timeout: 10_000 });
    if (r.error) return { ok: false, error: `nft: ${r.error.message}` };
    return r.status === 0 ? { ok: true, output: r.stdout } : { ok: false, error: r.stderr.trim() || `nft exited ${r.status}` };
  }
}

let shared: NftPort | undefined;

/** A libnftables context; throws when the library cannot be loaded. */
export function openLibNftables(): NftPort {
  const lib = loadLib();
  const ctx = lib.newCtx(0);
  if (!ctx) throw new Error('nft_ctx_new failed');
  lib.bufferOutput(ctx);
  lib.bufferError(ctx);
  return new LibNftables(lib, ctx);
}

/** The `nft -f -` fallback (one process per script). */
export function nftCommand(): NftPort {
  return new NftCommand();
}

/** The process's nftables context, opened on first use (libnftables, else the `nft` command). */
export function nftables(): NftPort {
  if (shared) return shared;
  try {
    shared = openLibNftables();
  } catch {
    shared = nftCommand();
  }
  return shared;
}

/** The context if this process opened one (undefined: it never touched nftables). */
export function openedNftables(): NftPort | undefined {
  return shared;
}
