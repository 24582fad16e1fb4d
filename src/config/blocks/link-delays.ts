/**
 * `interface_up_down_delays { IF DOWN_DELAY [UP_DELAY] ... }` (top level): how long a link must
 * stay down (up) before the instances using or tracking it go to FAULT (leave it). Seconds with
 * µs resolution, 0-255; UP_DELAY defaults to DOWN_DELAY (keepalived.conf(5) of 2.2.7). A bad
 * number or an unknown interface is a configuration error, and the line is dropped, as keepalived
 * 2.2.7 does ("invalid number", "unknown interface X specified for up/down delay").
 */
import type { Cx } from '../context.js';
import type { LinkDelay } from '../model.js';
import type { Node } from '../tree.js';

/** A delay line, with where it was written (for the interface check once the file is read). */
export interface LinkDelayDraft extends LinkDelay {
  node: Node;
}

/** The lines of one `interface_up_down_delays` block. */
export function parseLinkDelays(cx: Cx, n: Node): LinkDelayDraft[] {
  const out: LinkDelayDraft[] = [];
  for (const line of n.children ?? []) {
    const downMs = cx.timerMs(line, 0, 0, 255);
    if (downMs === undefined) continue;
    const upMs = line.args.length > 1 ? cx.timerMs(line, 1, 0, 255) : downMs;
    if (upMs === undefined) continue;
    out.push({ name: line.name, downMs, upMs, node: line });
  }
  return out;
}

/** Drops (and reports) the lines naming an interface that does not exist. */
export function knownLinkDelays(cx: Cx, lines: readonly LinkDelayDraft[], exists: (name: string) => boolean): LinkDelay[] {
  return lines.flatMap(({ node, ...d }) => {
    if (exists(d.name)) return [d];
    cx.report(node.head, 'KAD_ERR_CONFIG_INTERFACE_MISSING', `unknown interface ${d.name} specified for up/down delay; the line is ignored`);
    return [];
  });
}
