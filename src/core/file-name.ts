/**
 * A file name with something inserted before its extension (pure): the child log files
 * (`kad_vrrp.log`), the dump files keepalived names after a namespace or instance
 * (`keepalived.NS_INST.data`) and the state file's neighbours (`state_parent.data`).
 */

/** `path` with `insert` before the extension of its last component (appended when it has none, or only a leading dot). */
export function beforeExtension(path: string, insert: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? `${path.slice(0, dot)}${insert}${path.slice(dot)}` : `${path}${insert}`;
}
