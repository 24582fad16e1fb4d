/**
 * Which keywords open a block, by the block they stand in, as keepalived 2.2.7's parser decides
 * it: the keyword, not the brace, opens a block. A block keyword reads the lines after it as its
 * contents up to the next `}` whether or not a `{` follows (`track_interface eth0` on one line
 * swallows the next lines); any other keyword never opens one, and a `{` after it is dropped
 * ("Unexpected '{' - ignoring") while the `}` that matches it still closes the enclosing block.
 * Measured against Debian's keepalived 2.2.7 (cases/model-*.conf). Pure data.
 */

/** 'named': a block whose keyword takes words too (`vrrp_instance VI_1 {`); 'block': one that takes none. */
export type Shape = 'named' | 'block' | 'plain';

const CHECKERS = ['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'MISC_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK',
  'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK'];
const TRACKS = ['track_interface', 'track_script', 'track_file', 'track_process', 'track_bfd'];

/** Enclosing block ('' for the top level) → its block keywords and their shape. */
const BLOCKS: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  '': {
    global_defs: 'block', static_ipaddress: 'block', static_routes: 'block', static_rules: 'block',
    garp_group: 'block', linkbeat_interfaces: 'block', interface_up_down_delays: 'block', SSL: 'block',
    vrrp_instance: 'named', vrrp_sync_group: 'named', vrrp_script: 'named', vrrp_track_file: 'named', track_file: 'named',
    vrrp_track_process: 'named', virtual_server: 'named', virtual_server_group: 'named', track_group: 'named',
    bfd_instance: 'named',
  },
  global_defs: { notification_email: 'block' },
  vrrp_instance: {
    virtual_ipaddress: 'block', virtual_ipaddress_excluded: 'block', virtual_routes: 'block', virtual_rules: 'block',
    unicast_peer: 'block', authentication: 'block', ...Object.fromEntries(TRACKS.map((t) => [t, 'block'])),
  },
  vrrp_sync_group: { group: 'block', ...Object.fromEntries(TRACKS.map((t) => [t, 'block'])) },
  virtual_server: { real_server: 'named' },
  real_server: Object.fromEntries(CHECKERS.map((c) => [c, 'block'])),
  HTTP_GET: { url: 'block' },
  SSL_GET: { url: 'block' },
  SMTP_CHECK: { host: 'block' },
  garp_group: { interfaces: 'block' },
  track_group: { group: 'block' },
};

/** How keepalived 2.2.7 treats `keyword` written inside `parent` ('' = the top level). */
export function keywordShape(parent: string, keyword: string): Shape {
  return BLOCKS[parent]?.[keyword] ?? 'plain';
}
