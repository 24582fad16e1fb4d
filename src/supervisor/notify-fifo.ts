/**
 * Notify FIFOs (keepalived.conf(5) `notify_fifo`, `vrrp_notify_fifo`, `lvs_notify_fifo`): a
 * child writes one line per event, in the order the events happen, to the shared FIFO and to
 * its own (`vrrp` for the VRRP child, `lvs` for the checker). As keepalived 2.2.7 does, a missing
 * FIFO is created with mode 0600 (chowned to the FIFO's user and group when given), it is opened
 * read-write and non-blocking, so a write never waits for a reader and lines written before the
 * reader opens stay in the pipe, and it is left in place when kad stops. Each line is shorter
 * than PIPE_BUF, so the two children's lines never mix inside one line. A full pipe drops the
 * line (counted, logged rate-limited). A `*_notify_fifo_script` is started through the script
 * runner with the FIFO's path as its last argument.
 */
import { chownSync, closeSync, constants, fstatSync, openSync, writeSync } from 'node:fs';
import type { NotifyFifo, NotifyFifos } from '../config/model.js';
import type { Clock } from '../core/clock.js';
import { KadError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { RateLimiter } from '../core/rate-limit.js';
import { makeFifo } from '../net/libc.js';
import { resolveIdentity } from '../script/passwd.js';
import { describeOutcome, type ScriptRunner } from '../script/types.js';

/** Which child writes: the VRRP child uses `vrrp_notify_fifo`, the checker `lvs_notify_fifo`. */
export type FifoWriterKind = 'vrrp' | 'lvs';

/** What the children write through (a recording fake in unit tests). */
export interface EventSink {
  line(text: string): void;
}

interface Open {
  key: string;
  spec: NotifyFifo;
  fd: number;
}

export interface FifoDeps {
  kind: FifoWriterKind;
  /** Whether this child starts `notify_fifo_script` (one child does: VRRP when it runs). */
  runsSharedScript: boolean;
  runner: ScriptRunner;
  log: Logger;
  clock: Clock;
}

/** Create the FIFO when missing; true when kad created it. */
function ensureFifo(spec: NotifyFifo): boolean {
  try {
    makeFifo(spec.path, 0o600);
  } catch (e) {
    if (e instanceof KadError && e.errnoInfo?.code === 'EEXIST') return false;
    throw e;
  }
  if (spec.user !== undefined) {
    const id = resolveIdentity(spec.user, spec.group);
    if ('error' in id) throw new KadError('KAD_ERR_NOTIFY_FIFO', `${spec.path}: ${id.error === 'unknown-user' ? 'user' : 'group'} '${id.name}' does not exist`);
    chownSync(spec.path, id.uid, id.gid);
  }
  return true;
}

export class NotifyFifoWriter implements EventSink {
  /** Lines written, lines dropped (pipe full or write error), for stats and tests. */
  written = 0;
  dropped = 0;
  private open: Open[] = [];
  private readonly dropLog = new RateLimiter(1, 0.1);

  constructor(private readonly deps: FifoDeps) {}

  /** Open (or, on reload, re-open what changed) the FIFOs this child writes to. */
  configure(fifos: NotifyFifos): void {
    const wanted = new Map<string, NotifyFifo>();
    if (fifos.all) wanted.set('all', fifos.all);
    const own = this.deps.kind === 'vrrp' ? fifos.vrrp : fifos.lvs;
    if (own) wanted.set(this.deps.kind, own);
    const keep: Open[] = [];
    for (const o of this.open) {
      if (JSON.stringify(wanted.get(o.key)) === JSON.stringify(o.spec)) {
        keep.push(o);
        wanted.delete(o.key);
      } else closeSync(o.fd);
    }
    this.open = keep;
    for (const [key, spec] of wanted) this.openOne(key, spec);
  }

  /** Write one line (without its newline) to every open FIFO. Never throws, never blocks. */
  line(text: string): void {
    for (const o of this.open) {
      try {
        writeSync(o.fd, `${text}\n`);
        this.written++;
      } catch (e) {
        this.dropped++;
        const suppressed = this.dropLog.take(this.deps.clock.nowMs());
        if (suppressed < 0) continue;
        const code = (e as NodeJS.ErrnoException).code ?? String(e);
        this.deps.log.warn({ code: 'KAD_WARN_NOTIFY_FIFO_DROP', fifo: o.spec.path, error: code, suppressed },
          `notify FIFO ${o.spec.path}: line dropped (${code === 'EAGAIN' ? 'no reader is emptying it' : code})${suppressed ? `, ${suppressed} more not logged` : ''}`);
      }
    }
  }

  /** Close every FIFO (the files stay, as keepalived leaves them). */
  close(): void {
    for (const o of this.open) closeSync(o.fd);
    this.open = [];
  }

  private openOne(key: string, spec: NotifyFifo): void {
    const name = key === 'all' ? 'notify_fifo' : `${key}_notify_fifo`;
    let fd: number;
    try {
      ensureFifo(spec);
      fd = openSync(spec.path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW);
      if (!fstatSync(fd).isFIFO()) {
        closeSync(fd);
        throw new KadError('KAD_ERR_NOTIFY_FIFO', `${spec.path} exists and is not a FIFO`);
      }
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      this.deps.log.error({ code: 'KAD_ERR_NOTIFY_FIFO', fifo: spec.path, error: detail }, `${name} ${spec.path} cannot be used: ${detail}; no events are written to it`);
      return;
    }
    this.open.push({ key, spec, fd });
    if (spec.script && (key !== 'all' || this.deps.runsSharedScript)) this.startScript(spec, `${name}_script`);
  }

  private startScript(spec: NotifyFifo, what: string): void {
    const script = spec.script!;
    void this.deps.runner.run(script, { args: [spec.path], what }).then((r) => {
      this.deps.log.warn({ code: 'KAD_WARN_NOTIFY_FIFO_SCRIPT', script: script.text, result: describeOutcome(r) },
        `${what} ${script.text} ended: ${describeOutcome(r)}; it is not restarted`);
    });
  }
}
