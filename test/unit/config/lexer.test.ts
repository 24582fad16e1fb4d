import { describe, expect, it } from 'vitest';
import { lexLine } from '../../../src/config/lexer.js';

const words = (s: string): string[] => lexLine(s).tokens.map((t) => t.text);

describe('lexLine', () => {
  it('splits on blanks and reports 1-based columns', () => {
    expect(lexLine('  priority\t100', '/f', 7).tokens).toEqual([
      { text: 'priority', col: 3, quoted: false, file: '/f', line: 7 },
      { text: '100', col: 12, quoted: false, file: '/f', line: 7 },
    ]);
  });

  it('ends the line at # or ! outside quotes', () => {
    expect(words('state MASTER # comment')).toEqual(['state', 'MASTER']);
    expect(words('! Configuration File')).toEqual([]);
    expect(words('script "echo # not a comment"')).toEqual(['script', 'echo # not a comment']);
  });

  it('makes braces words of their own', () => {
    expect(words('authentication{')).toEqual(['authentication', '{']);
    expect(words('virtual_ipaddress { 10.0.0.1 }')).toEqual(['virtual_ipaddress', '{', '10.0.0.1', '}']);
  });

  it('keeps quoted text whole and marks it quoted, with either quote', () => {
    const t = lexLine(`notify "/bin/x a b" 'c d'`).tokens;
    expect(t.map((x) => [x.text, x.quoted])).toEqual([['notify', false], ['/bin/x a b', true], ['c d', true]]);
    expect(lexLine('x "{"').tokens[1]).toMatchObject({ text: '{', quoted: true });
  });

  it('reports an unterminated quote with its column', () => {
    expect(lexLine('notify_master "/bin/true').unmatchedQuoteCol).toBe(15);
  });

  it('treats a no-break space as part of a word, like keepalived', () => {
    expect(words('\u00a0\u00a0eth1')).toEqual(['\u00a0\u00a0eth1']);
  });
});
