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
  const b = new TreeBuilder(sink);
  for (const line of lines) b.line(line.tokens);
  return b.finish(lines[0]?.file ?? '');
}

/** Builds the tree one line at a time (the preprocessor can feed it directly). */
export class TreeBuilder {
  private readonly root: Frame = { children: [], dropped: false };
  private readonly stack: Frame[] = [this.root];
  private deepReported = false;
  /** Blocks opened beyond MAX_DEPTH: counted, not stacked, so memory stays bounded. */
  private droppedDepth = 0;
  private lastFromPrevLine: Node | undefined;
  private lastOnThisLine: Node | undefined;
  private stmt: SourceToken[] = [];

  /**
   * With `onTop`, each finished top-level statement is handed over as soon as it is complete
   * and not kept, so a large file's tree never lives in memory all at once.
   */
  constructor(
    private readonly sink: DiagnosticSink,
    private readonly onTop?: (n: Node) => void,
  ) {}

  /** Adds one lexed line. */
  line(tokens: readonly SourceToken[]): void {
    this.lastOnThisLine = undefined;
    for (const tk of tokens) {
      if (tk.quoted || (tk.text !== '{' && tk.text !== '}')) this.stmt.push(tk);
      else if (tk.text === '{') this.open(tk);
      else this.close(tk);
    }
    this.flush();
    this.lastFromPrevLine = this.lastOnThisLine;
    if (this.onTop && this.stack.length === 1) this.drain(false);
  }

  /** Hands over finished top-level statements; a trailing one without a block may still get one. */
  private drain(all: boolean): void {
    const list = this.root.children;
    const last = list[list.length - 1];
    const keep = !all && last !== undefined && !last.children ? 1 : 0;
    const n = list.length - keep;
    for (let i = 0; i < n; i++) this.onTop!(list[i]!);
    list.splice(0, n);
  }

  /** Reports blocks left open and returns the top-level statements. */
  finish(file: string): Node[] {
    if (this.stack.length > 1) {
      const open = this.stack[1]!.opener;
      const at = open?.head ?? { file, line: 0, col: 0 };
      this.sink.report(at, 'KAD_ERR_CONFIG_MISSING_BRACE',
        `${this.stack.length - 1 + this.droppedDepth} block(s) not closed at end of file; the outermost is '${open?.name ?? '{'}' opened here`);
    }
    if (this.onTop) this.drain(true);
    return this.root.children;
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private flush(): Node | undefined {
    if (this.stmt.length === 0) return undefined;
    const node: Node = { name: this.stmt[0]!.text, head: this.stmt[0]!, args: this.stmt.slice(1) };
    if (this.droppedDepth === 0 && !this.top().dropped) this.top().children.push(node);
    this.stmt = [];
    this.lastOnThisLine = node;
    return node;
  }

  private open(tk: SourceToken): void {
    let owner = this.flush();
    const prev = this.lastFromPrevLine;
    if (!owner && !this.lastOnThisLine && prev && !prev.children) owner = prev;
    if (!owner) this.sink.report(tk, 'KAD_ERR_CONFIG_UNEXPECTED_BRACE', "'{' without a keyword before it");
    else owner.children = [];
    if (this.stack.length >= MAX_DEPTH) {
      if (!this.deepReported) {
        this.deepReported = true;
        this.sink.report(tk, 'KAD_ERR_CONFIG_TOO_DEEP', `blocks nested deeper than ${MAX_DEPTH}; inner blocks ignored`);
      }
      this.droppedDepth++;
    } else {
      this.stack.push({ children: owner?.children ?? [], opener: owner, dropped: this.top().dropped || !owner });
    }
    this.lastOnThisLine = undefined;
    this.lastFromPrevLine = undefined;
  }

  private close(tk: SourceToken): void {
    this.flush();
    if (this.droppedDepth > 0) this.droppedDepth--;
    else if (this.stack.length > 1) this.stack.pop();
    else this.sink.report(tk, 'KAD_ERR_CONFIG_UNEXPECTED_BRACE', "extra '}' with no block to close");
    this.lastOnThisLine = undefined;
  }
}
