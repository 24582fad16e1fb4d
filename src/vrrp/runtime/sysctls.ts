/**
 * Applies SysctlChanges (vmac-plan.ts) through the sysctl seam, remembering the first value seen
 * of each one to restore; `restore()` puts those back in reverse order when the child stops.
 * Failures are logged, never thrown: a missing sysctl must not stop an instance.
 */
import type { Logger } from '../../core/log.js';
import { readSysctl, writeSysctl } from '../../net/sysctl.js';
import type { SysctlChange } from './vmac-plan.js';

/** See the file header. */
export class SysctlGuard {
  private readonly saved = new Map<string, string>();

  constructor(private readonly log: Logger) {}

  /** Write each change whose value differs; remember the old value of those to restore. */
  apply(changes: readonly SysctlChange[]): void {
    for (const c of changes) {
      const before = readSysctl(c.path);
      if (before === c.value) continue;
      if (c.restore && before !== undefined && !this.saved.has(c.path)) this.saved.set(c.path, before);
      try {
        writeSysctl(c.path, c.value);
        this.log.info({ sysctl: c.path, from: before, to: c.value }, `setting sysctl ${c.path} from ${before ?? '?'} to ${c.value}`);
      } catch (err) {
        this.log.warn({ code: 'KAD_WARN_VRRP_SYSCTL', sysctl: c.path, err: (err as Error).message }, (err as Error).message);
      }
    }
  }

  /** Put back every remembered value (newest first). */
  restore(): void {
    for (const [path, value] of [...this.saved].reverse()) {
      try {
        writeSysctl(path, value);
        this.log.info({ sysctl: path, to: value }, `resetting sysctl ${path} to ${value}`);
      } catch {
        // the interface is gone: nothing to restore
      }
    }
    this.saved.clear();
  }
}
