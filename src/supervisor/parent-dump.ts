/**
 * The parent's USR1 dump, keepalived_parent.data: keepalived's parent writes its global
 * definitions only; kad does the same when the config loader gave it the model.
 */
import { formatGlobalDefs } from '../config/global-dump.js';
import type { GlobalDefs } from '../config/model.js';

/** Content of keepalived_parent.data (pure). */
export function formatParentData(global: GlobalDefs | undefined): string {
  if (!global) return '------< Global definitions >------\n (configuration model not available in the parent)\n';
  return formatGlobalDefs(global, false).join('\n') + '\n';
}
