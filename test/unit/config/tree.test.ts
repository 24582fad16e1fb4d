import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../../src/config/diagnostics.js';
import { Preprocessor } from '../../../src/config/preprocess.js';
import { buildTree, KEEPALIVED_BLOCKS, MAX_DEPTH, type Node } from '../../../src/config/tree.js';
import { memIo } from './mem-io.js';

function tree(text: string, keepalived = false): { nodes: Node[]; sink: DiagnosticSink } {
  const sink = new DiagnosticSink();
  const p = new Preprocessor(memIo({ '/c': text }), sink, { configId: 'a', allConfig: false });
  p.run('/c');
  return { nodes: buildTree(p.lines, sink, ...(keepalived ? [KEEPALIVED_BLOCKS] : [])), sink };
}

const shape = (ns: Node[] | undefined): unknown => ns?.map((n) => (n.children ? { [n.name]: shape(n.children) } : [n.name, ...n.args.map((a) => a.text)].join(' ')));

describe('buildTree', () => {
  it('attaches a brace on the same line or on the next line', () => {
    expect(shape(tree('a {\n x 1\n}\nb\n{\n y 2\n}').nodes)).toEqual([{ a: ['x 1'] }, { b: ['y 2'] }]);
  });

  it('handles several statements and blocks on one line', () => {
    expect(shape(tree('auth { type PASS\n pass x }\nv { 10.0.0.1 }').nodes)).toEqual([{ auth: ['type PASS', 'pass x'] }, { v: ['10.0.0.1'] }]);
  });

  it('reports an extra closing brace and keeps going', () => {
    const { nodes, sink } = tree('a {\n}\n}\nb 1');
    expect(shape(nodes)).toEqual([{ a: [] }, 'b 1']);
    expect(sink.list[0]).toMatchObject({ code: 'KAD_ERR_CONFIG_UNEXPECTED_BRACE', line: 3, col: 1 });
  });

  it('reports blocks left open at the end of the file, pointing at the outermost', () => {
    const { sink } = tree('x 1\nouter {\n inner {\n');
    expect(sink.list).toHaveLength(1);
    expect(sink.list[0]).toMatchObject({ code: 'KAD_ERR_CONFIG_MISSING_BRACE', line: 2, col: 1 });
  });

  it('reports a brace with no keyword before it', () => {
    const { sink } = tree('a {\n}\n{\n}');
    expect(sink.list.map((d) => d.code)).toEqual(['KAD_ERR_CONFIG_UNEXPECTED_BRACE']);
  });

  it('keeps nothing from blocks nested past the limit, even many on one line', () => {
    const { nodes, sink } = tree('x { '.repeat(10_000) + '\n'.repeat(2) + 'y 1 {\n');
    expect(sink.list.map((d) => d.code)).toEqual(['KAD_ERR_CONFIG_TOO_DEEP', 'KAD_ERR_CONFIG_MISSING_BRACE']);
    expect(sink.list[1]!.message).toContain('10001 block(s) not closed');
    let count = 0;
    const walk = (ns: Node[] | undefined): void => ns?.forEach((n) => { count++; walk(n.children); });
    walk(nodes);
    expect(count).toBe(MAX_DEPTH);
  });

  it('limits nesting depth without recursion', () => {
    const depth = 20_000;
    const { nodes, sink } = tree('x {\n'.repeat(depth) + '}\n'.repeat(depth));
    expect(nodes).toHaveLength(1);
    expect(sink.list.map((d) => d.code)).toEqual(['KAD_ERR_CONFIG_TOO_DEEP']);
    let d = 0;
    for (let n: Node | undefined = nodes[0]; n; n = n.children?.[0]) d++;
    expect(d).toBe(MAX_DEPTH);
  });

  describe('keepalived 2.2.7 rule: the keyword opens the block', () => {
    it('opens a block keyword without a brace and reports the missing brace', () => {
      const { nodes, sink } = tree('global_defs\n{\n router_id a\n}\nvrrp_instance V {\n track_interface\n  eth0\n }\n}', true);
      expect(shape(nodes)).toEqual([{ global_defs: ['router_id a'] }, { vrrp_instance: [{ track_interface: ['eth0'] }] }]);
      expect(sink.list.map((d) => [d.line, d.code])).toEqual([[6, 'KAD_ERR_CONFIG_MISSING_BRACE']]);
    });

    it("drops a '{' after a keyword that takes no block; its '}' closes the enclosing block", () => {
      const { nodes, sink } = tree('global_defs {\n router_id x {\n }\n smtp_server 1.2.3.4\n}', true);
      expect(shape(nodes)).toEqual([{ global_defs: ['router_id x'] }, 'smtp_server 1.2.3.4']);
      expect(sink.list.map((d) => [d.line, d.code])).toEqual([[2, 'KAD_ERR_CONFIG_UNEXPECTED_BRACE'], [5, 'KAD_ERR_CONFIG_UNEXPECTED_BRACE']]);
    });
  });
});
