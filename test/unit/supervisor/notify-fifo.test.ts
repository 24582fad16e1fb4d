// Notify FIFOs on a real FIFO in a scratch directory: created mode 0600 when missing, lines
// written before any reader opens are read in order, the VRRP writer never touches the LVS
// FIFO, a full pipe drops and counts, a path that is not a FIFO is logged and skipped, and the
// FIFO scripts get the path as their last argument.
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { memoryLogger } from '../../../src/core/log.js';
import type { RunRequest, ScriptRunner, ScriptSpec } from '../../../src/script/types.js';
import { NotifyFifoWriter, type FifoWriterKind } from '../../../src/supervisor/notify-fifo.js';
import { parseText } from '../config/mem-io.js';

const dir = mkdtempSync(join(tmpdir(), 'kad-fifo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readAll(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(1 << 20);
  let out = '';
  try {
    for (;;) {
      const n = readSync(fd, buf);
      if (n <= 0) break;
      out += buf.subarray(0, n).toString();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
  } finally {
    closeSync(fd);
  }
  return out;
}

function writer(kind: FifoWriterKind, runsSharedScript = true) {
  const runs: { spec: ScriptSpec; req: RunRequest }[] = [];
  const runner: ScriptRunner = { run: (spec, req) => { runs.push({ spec, req }); return new Promise(() => undefined); } };
  const { log, records } = memoryLogger();
  return { w: new NotifyFifoWriter({ kind, runsSharedScript, runner, log, clock: new ManualClock() }), runs, records };
}

const script = (text: string): ScriptSpec => ({ text, argv: [text] });

describe('NotifyFifoWriter', () => {
  it('creates missing FIFOs (mode 0600) and keeps the lines in order for a reader that opens later', () => {
    const all = join(dir, 'all.fifo');
    const vrrp = join(dir, 'vrrp.fifo');
    const lvs = join(dir, 'lvs.fifo');
    const { w } = writer('vrrp');
    w.configure({ all: { path: all }, vrrp: { path: vrrp }, lvs: { path: lvs } });
    const st = statSync(all);
    expect(st.isFIFO()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    w.line('INSTANCE "VI_1" BACKUP 100');
    w.line('INSTANCE "VI_1" MASTER 100');
    expect(readAll(all)).toBe('INSTANCE "VI_1" BACKUP 100\nINSTANCE "VI_1" MASTER 100\n');
    expect(readAll(vrrp)).toBe('INSTANCE "VI_1" BACKUP 100\nINSTANCE "VI_1" MASTER 100\n');
    expect(() => statSync(lvs)).toThrow(); // the checker's FIFO: not this child's
    expect(w.written).toBe(4);
    w.close();
    expect(statSync(all).isFIFO()).toBe(true); // left in place, as keepalived does
  });

  it('a full pipe drops the line, counts it and logs once', () => {
    const path = join(dir, 'full.fifo');
    const { w, records } = writer('lvs');
    w.configure({ lvs: { path } });
    const line = `RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN ${'x'.repeat(200)}`;
    for (let i = 0; i < 2000; i++) w.line(line);
    expect(w.dropped).toBeGreaterThan(0);
    expect(w.written + w.dropped).toBe(2000);
    expect(records.filter((r) => r.code === 'KAD_WARN_NOTIFY_FIFO_DROP')).toHaveLength(1);
    const got = readAll(path).split('\n').filter(Boolean);
    expect(got.length).toBe(w.written);
    expect(new Set(got)).toEqual(new Set([line])); // whole lines only
    w.close();
  });

  it('a path that is not a FIFO is logged and skipped', () => {
    const path = join(dir, 'plain');
    writeFileSync(path, '');
    const { w, records } = writer('vrrp');
    w.configure({ vrrp: { path } });
    w.line('INSTANCE "VI_1" MASTER 100');
    expect(w.written).toBe(0);
    expect(records.find((r) => r.code === 'KAD_ERR_NOTIFY_FIFO')?.msg).toMatch(/not a FIFO/);
  });

  it('starts the FIFO scripts with the path last; notify_fifo_script only in the child that owns it', () => {
    const all = join(dir, 's-all.fifo');
    const lvs = join(dir, 's-lvs.fifo');
    const fifos = { all: { path: all, script: script('/bin/reader-all') }, lvs: { path: lvs, script: script('/bin/reader-lvs') } };
    const checker = writer('lvs', false);
    checker.w.configure(fifos);
    expect(checker.runs.map((r) => [r.spec.text, r.req.args])).toEqual([['/bin/reader-lvs', [lvs]]]);
    const alone = writer('lvs', true);
    alone.w.configure(fifos);
    expect(alone.runs.map((r) => r.spec.text)).toEqual(['/bin/reader-all', '/bin/reader-lvs']);
    // A reload with the same FIFOs keeps them (no second reader); a new path opens the new FIFO.
    alone.w.configure(fifos);
    expect(alone.runs).toHaveLength(2);
    alone.w.configure({ ...fifos, lvs: { path: join(dir, 's-lvs2.fifo') } });
    expect(statSync(join(dir, 's-lvs2.fifo')).isFIFO()).toBe(true);
    for (const w of [checker.w, alone.w]) w.close();
  });

  it('lvs_notify_fifo_script from config text is started by the checker child with its FIFO', () => {
    const path = join(dir, 'kw-lvs.fifo');
    const r = parseText(`global_defs {\n lvs_notify_fifo ${path}\n lvs_notify_fifo_script /bin/reader-lvs\n}\n`);
    const checker = writer('lvs', false);
    checker.w.configure(r.config!.global.notifyFifos);
    expect(checker.runs.map((x) => [x.spec.text, x.req.args])).toEqual([['/bin/reader-lvs', [path]]]);
    checker.w.close();
  });
});
