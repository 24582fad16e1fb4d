import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../../src/config/diagnostics.js';
import { MAX_LINE_CHARS, Preprocessor } from '../../../src/config/preprocess.js';
import { memIo } from './mem-io.js';

function lines(files: Record<string, string>, opts = { configId: 'node1', allConfig: false }) {
  const sink = new DiagnosticSink();
  const p = new Preprocessor(memIo(files), sink, opts);
  p.run('/etc/kad/main.conf');
  return { p, sink, text: p.lines.map((l) => l.tokens.map((t) => t.text).join(' ')) };
}

describe('Preprocessor', () => {
  it('includes files matching a glob relative to the including file, in sorted order', () => {
    const { p, text } = lines({
      '/etc/kad/main.conf': 'a 1\ninclude conf.d/*.conf\nz 9',
      '/etc/kad/conf.d/20.conf': 'c 3',
      '/etc/kad/conf.d/10.conf': 'b 2',
    });
    expect(text).toEqual(['a 1', 'b 2', 'c 3', 'z 9']);
    expect(p.files).toEqual(['/etc/kad/main.conf', '/etc/kad/conf.d/10.conf', '/etc/kad/conf.d/20.conf']);
    expect(p.lines[1]).toMatchObject({ file: '/etc/kad/conf.d/10.conf', line: 1 });
  });

  it('warns on an include that matches nothing, and makes it fatal (class 6) with -e', () => {
    const files = { '/etc/kad/main.conf': 'include /nope/*.conf' };
    const warn = lines(files);
    expect(warn.sink.list.map((d) => d.code)).toEqual(['KAD_WARN_CONFIG_INCLUDE_MISSING']);
    expect(warn.sink.exitCode).toBe(0);
    const fatal = lines(files, { configId: 'x', allConfig: true });
    expect(fatal.sink.list.map((d) => d.code)).toEqual(['KAD_ERR_CONFIG_INCLUDE_MISSING_FATAL']);
    expect(fatal.sink.exitCode).toBe(6);
  });

  it('stops include loops with a diagnostic naming the chain', () => {
    const { sink, text } = lines({
      '/etc/kad/main.conf': 'include a.conf',
      '/etc/kad/a.conf': 'x 1\ninclude main.conf',
    });
    expect(text).toEqual(['x 1']);
    expect(sink.list[0]).toMatchObject({ code: 'KAD_ERR_CONFIG_INCLUDE_LOOP', file: '/etc/kad/a.conf', line: 2 });
    expect(sink.list[0]!.message).toContain('/etc/kad/main.conf -> /etc/kad/a.conf -> /etc/kad/main.conf');
  });

  it('keeps @ID lines for the config id and @^ID lines for any other', () => {
    const files = { '/etc/kad/main.conf': '@node1 priority 150\n@^node1 priority 50\n@other x 1\nstate BACKUP' };
    expect(lines(files).text).toEqual(['priority 150', 'state BACKUP']);
    expect(lines(files, { configId: 'node2', allConfig: false }).text).toEqual(['priority 50', 'state BACKUP']);
  });

  it('defines and substitutes $NAME and ${NAME}, also multi-line, leaving unknown names alone', () => {
    const { text } = lines({
      '/etc/kad/main.conf': '$IF=eth0\n$PAIR=a 1 \\\nb 2\ninterface $IF\ndev ${IF}x\n$PAIR\nkeep $UNDEFINED',
    });
    expect(text).toEqual(['interface eth0', 'dev eth0x', 'a 1', 'b 2', 'keep $UNDEFINED']);
  });

  it('expands ~SEQ(var, start, step, end) and ~SEQ(var, end)', () => {
    expect(lines({ '/etc/kad/main.conf': '~SEQ(i, 1, 2, 5) vs 10.0.0.$i' }).text).toEqual(['vs 10.0.0.1', 'vs 10.0.0.3', 'vs 10.0.0.5']);
    expect(lines({ '/etc/kad/main.conf': '~SEQ(n, 2) x $n' }).text).toEqual(['x 1', 'x 2']);
    expect(lines({ '/etc/kad/main.conf': '~SEQ(i, 1, 2) ~SEQ(j, 1, 2) p $i$j' }).text).toEqual(['p 11', 'p 12', 'p 21', 'p 22']);
  });

  it('expands ~LST(var, values...) and the predefined ${_PWD}, ${_HASH}, ${_BANG}', () => {
    expect(lines({ '/etc/kad/main.conf': '~LST(n, eth0, eth1) interface $n' }).text).toEqual(['interface eth0', 'interface eth1']);
    expect(lines({ '/etc/kad/main.conf': 'dir ${_PWD}\nx 1 ${_HASH} comment\ny ${_BANG}' }).text).toEqual(['dir /etc/kad', 'x 1', 'y']);
  });

  it('reports a malformed ~SEQ and a NUL byte without throwing', () => {
    const { sink, text } = lines({ '/etc/kad/main.conf': '~SEQ(i, a, b) x\nok 1\nbad\0line' });
    expect(text).toEqual(['ok 1']);
    expect(sink.list.map((d) => d.code)).toEqual(['KAD_ERR_CONFIG_INVALID_VALUE', 'KAD_ERR_CONFIG_BINARY']);
  });

  it('drops a line with an unterminated quote, like keepalived', () => {
    const { sink, text } = lines({ '/etc/kad/main.conf': 'notify "/bin/true\nnext 1' });
    expect(text).toEqual(['next 1']);
    expect(sink.list[0]).toMatchObject({ code: 'KAD_ERR_CONFIG_UNMATCHED_QUOTE', line: 1, col: 8 });
  });

  it('skips a line over the length limit and bounds $NAME growth', () => {
    const long = lines({ '/etc/kad/main.conf': 'x '.repeat(MAX_LINE_CHARS) + '\nok 1' });
    expect(long.text).toEqual(['ok 1']);
    expect(long.sink.list.map((d) => d.code)).toEqual(['KAD_ERR_CONFIG_LINE_TOO_LONG']);
    const bomb = lines({ '/etc/kad/main.conf': '$A=$A$A$A$A$A$A$A$A\n$A\nok 1' });
    expect(bomb.text.at(-1)).toBe('ok 1');
    expect(bomb.sink.list.map((d) => d.code)).toEqual(['KAD_ERR_CONFIG_LINE_TOO_LONG']);
  });

  it('reports an unreadable main file as class 4', () => {
    const sink = new DiagnosticSink();
    expect(new Preprocessor(memIo({}), sink, { configId: 'a', allConfig: false }).run('/etc/kad/main.conf')).toBe(false);
    expect(sink.exitCode).toBe(4);
  });
});
