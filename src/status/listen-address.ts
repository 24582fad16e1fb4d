/**
 * `--metrics=ADDR:PORT` parsed (pure): IPv4 `127.0.0.1:9650`, IPv6 in brackets `[::1]:9650`.
 * An address is required: kad listens on no network address it was not given.
 */

export interface ListenAddress {
  host: string;
  port: number;
}

/** The address and port, or an error message naming what is wrong. */
export function parseListenAddress(text: string): ListenAddress | { error: string } {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  if (!m) return { error: `"${text}" is not ADDR:PORT (IPv6 as [ADDR]:PORT)` };
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { error: `port ${m[2]} is out of range 1-65535` };
  return { host: m[1] ?? '', port };
}
