/**
 * The "no silent keyword" table: every (block, keyword) pair the keyword tables accept (and every
 * option word of an address line, block 'address') is either
 * `implemented` (the tests named show its effect at run time) or `unsupported` (kad -t and the
 * daemon warn, KAD_WARN_UNSUPPORTED, with the reason in docs/configuration.md). Keyed by the
 * block names the tables are registered under (registerTable). A unit test fails when a pair is
 * missing here, or a named test does not exist or does not use the keyword. Pure data.
 */
import { GLOBAL_DEFS, TOP_LEVEL } from './support/global.js';
import { ADDRESS_OPTION, AUTHENTICATION, GARP_GROUP, TRACK_FILE, VRRP_INSTANCE, VRRP_SCRIPT, VRRP_SYNC_GROUP, VRRP_TRACK_PROCESS } from './support/vrrp.js';
import { CHECKERS, REAL_SERVER, SMTP_HOST, URL, VIRTUAL_SERVER } from './support/lvs.js';
import type { BlockSupport, Support } from './support/kinds.js';

export type { BlockSupport, Support };

/** Block name → keyword → support. */
export const KEYWORD_SUPPORT: Readonly<Record<string, BlockSupport>> = {
  'the top level': TOP_LEVEL,
  global_defs: GLOBAL_DEFS,
  vrrp_instance: VRRP_INSTANCE,
  vrrp_sync_group: VRRP_SYNC_GROUP,
  vrrp_script: VRRP_SCRIPT,
  track_file: TRACK_FILE,
  vrrp_track_process: VRRP_TRACK_PROCESS,
  authentication: AUTHENTICATION,
  garp_group: GARP_GROUP,
  virtual_server: VIRTUAL_SERVER,
  real_server: REAL_SERVER,
  url: URL,
  host: SMTP_HOST,
  ...CHECKERS,
  address: ADDRESS_OPTION,
};

/** The support of `keyword` in `block`; undefined for a pair no table accepts. */
export function supportOf(block: string, keyword: string): Support | undefined {
  const b = KEYWORD_SUPPORT[block];
  return b && Object.hasOwn(b, keyword) ? b[keyword] : undefined;
}

/** True when kad accepts `keyword` in `block` but does not act on it. */
export function isUnsupported(block: string, keyword: string): boolean {
  return supportOf(block, keyword)?.set === 'unsupported';
}
