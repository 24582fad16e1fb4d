/**
 * Block structure: lexed lines into a tree of statements. A statement is the words of one line
 * up to a brace; `{` opens a block for the statement on its line, or for the statement on the
 * line before when it stands alone (braces on the next line). Unbalanced braces are reported and
 * recovered from, so one mistake does not hide the rest of the file.
 */
import type { DiagnosticSink } from './diagnostics.js';
import type { SourceLine, SourceToken } from './preprocess.js';

export interface Node {
  /** The keyword (first word). */
  name: string;
  head: SourceToken;
  args: SourceToken[];
  /** Present when the statement opens a block. */
  children?: Node[];
}

/** Blocks nested deeper than this are reported once and their contents dropped. */
export const MAX_DEPTH = 64;

interface Frame {
  children: Node[];
  opener?: Node;
  dropped: boolean;
}

/** Builds the statement tree; never throws. */
export function buildTree(lines: readonly SourceLine[], sink: DiagnosticSink): Node[] {
  const root: Frame = { children: [], dropped: false };
  const stack: Frame[] = [root];
  let deepReported = false;
  let lastFromPrevLine: Node | undefined;
  for (const line of lines) {
    let stmt: SourceToken[] = [];
    let lastOnThisLine: Node | undefined;
    const top = (): Frame => stack[stack.length - 1]!;
    const flush = (): Node | undefined => {
      if (stmt.length === 0) return undefined;
      const node: Node = { name: stmt[0]!.text, head: stmt[0]!, args: stmt.slice(1) };
      if (!top().dropped) top().children.push(node);
      stmt = [];
      lastOnThisLine = node;
      return node;
    };
    for (const tk of line.tokens) {
      if (tk.quoted || (tk.text !== '{' && tk.text !== '}')) {
        stmt.push(tk);
        continue;
      }
      if (tk.text === '{') {
        let owner = flush();
        if (!owner && !lastOnThisLine && lastFromPrevLine && !lastFromPrevLine.children) owner = lastFromPrevLine;
        if (!owner) {
          sink.report(tk, 'KAD_ERR_CONFIG_UNEXPECTED_BRACE', "'{' without a keyword before it");
        } else {
          owner.children = [];
        }
        const dropped = top().dropped || stack.length >= MAX_DEPTH || !owner;
        if (stack.length >= MAX_DEPTH && !deepReported) {
          deepReported = true;
          sink.report(tk, 'KAD_ERR_CONFIG_TOO_DEEP', `blocks nested deeper than ${MAX_DEPTH}; inner blocks ignored`);
        }
        stack.push({ children: owner?.children ?? [], opener: owner, dropped });
        lastOnThisLine = undefined;
        lastFromPrevLine = undefined;
      } else {
        flush();
        if (stack.length > 1) stack.pop();
        else sink.report(tk, 'KAD_ERR_CONFIG_UNEXPECTED_BRACE', "extra '}' with no block to close");
        lastOnThisLine = undefined;
      }
    }
    flush();
    lastFromPrevLine = lastOnThisLine;
  }
  if (stack.length > 1) {
    const open = stack[1]!.opener;
    const at = open?.head ?? { file: lines[0]?.file ?? '', line: 0, col: 0 };
    sink.report(at, 'KAD_ERR_CONFIG_MISSING_BRACE',
      `${stack.length - 1} block(s) not closed at end of file; the outermost is '${open?.name ?? '{'}' opened here`);
  }
  return root.children;
}
