/**
 * Block structure: lexed lines into a tree of statements. A statement is the words of one line
 * up to a brace; `{` opens a block for the statement on its line, or for the statement on the
 * line before when it stands alone (braces on the next line). Unbalanced braces are reported and
 * recovered from, so one mistake does not hide the rest of the file.
 */
import type { DiagnosticSink } from './diagnostics.js';
import type { SourceLine, SourceToken } from './preprocess.js';
import { keywordShape, type Shape } from './block-shape.js';

export interface Node {
  /** The keyword (first word). */
  name: string;
  head: SourceToken;
  args: SourceToken[];
  /** Present when the statement opens a block. */
  children?: Node[];
  /** A '{' no block asked for came right after the statement on its line (it was dropped). */
  braceAfter?: boolean;
}

/** Blocks nested deeper than this are reported once and their contents dropped. */
export const MAX_DEPTH = 64;

/**
 * Which statements open blocks. 'either' (the generic reading) opens one where a `{` follows
 * the statement, on its line or alone on the next; the other answers follow keepalived 2.2.7
 * (./block-shape.ts).
 */
export type BlockRule = (parent: string, keyword: string) => Shape | 'either';

/** The generic reading: a `{` after a statement opens its block. */
export const BRACE_OPENS: BlockRule = () => 'either';

/** keepalived 2.2.7's reading: the keyword decides. */
export const KEEPALIVED_BLOCKS: BlockRule = keywordShape;

interface Frame {
  children: Node[];
  opener?: Node;
  dropped: boolean;
  /** A block keyword opened this frame and its `{` has not come yet. */
  awaitingBrace: boolean;
}

/** Builds the statement tree; never throws. */
export function buildTree(lines: readonly SourceLine[], sink: DiagnosticSink, rule: BlockRule = BRACE_OPENS): Node[] {
  const b = new TreeBuilder(sink, undefined, rule);
  for (const line of lines) b.line(line.tokens);
  return b.finish(lines[0]?.file ?? '');
}

/** Builds the tree one line at a time (the preprocessor can feed it directly). */
export class TreeBuilder {
  private readonly root: Frame = { children: [], dropped: false, awaitingBrace: false };
  private readonly stack: Frame[] = [this.root];
  private deepReported = false;
  /** Blocks opened beyond MAX_DEPTH: counted, not stacked, so memory stays bounded. */
  private droppedDepth = 0;
  private droppedAwaiting = false;
  private lastFromPrevLine: Node | undefined;
  private lastOnThisLine: Node | undefined;
  private stmt: SourceToken[] = [];
  private lastFlushed: Node | undefined;

  /**
   * With `onTop`, each finished top-level statement is handed over as soon as it is complete
   * and not kept, so a large file's tree never lives in memory all at once.
   */
  constructor(
    private readonly sink: DiagnosticSink,
    private readonly onTop?: (n: Node) => void,
    private readonly rule: BlockRule = BRACE_OPENS,
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
    const keep = !all && last !== undefined && !last.children && this.rule === BRACE_OPENS ? 1 : 0;
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
    const top = this.top();
    if (top.awaitingBrace) this.missingOpen(top.opener!);
    top.awaitingBrace = false;
    this.droppedAwaiting = false;
    if (this.droppedDepth === 0 && !top.dropped) top.children.push(node);
    this.stmt = [];
    this.lastOnThisLine = node;
    this.lastFlushed = node;
    const shape = this.rule(top.opener?.name ?? '', node.name);
    if (shape === 'block' || shape === 'named') {
      if (shape === 'block' && node.args.length > 0) this.warnInline(node);
      this.push(node, true);
    }
    return node;
  }

  /** A block keyword written with words on its line: keepalived ignores them and reads on. */
  private warnInline(n: Node): void {
    this.sink.report(n.args[0]!, 'KAD_WARN_CONFIG_BLOCK_SHAPE',
      `'${n.name}' always opens a block: keepalived 2.2.7 ignores '${n.args.map((a) => a.text).join(' ')}' here ("extra parameters") and reads the lines after it, up to the next '}', as the contents of ${n.name}, taking them out of the block they were written in; so does kad. Write ${n.name} { ${n.args.map((a) => a.text).join(' ')} }`);
  }

  private push(owner: Node | undefined, awaitingBrace: boolean): void {
    if (owner) owner.children = [];
    if (this.stack.length >= MAX_DEPTH || this.droppedDepth > 0) {
      if (!this.deepReported) {
        this.deepReported = true;
        this.sink.report(owner?.head ?? this.top().opener!.head, 'KAD_ERR_CONFIG_TOO_DEEP', `blocks nested deeper than ${MAX_DEPTH}; inner blocks ignored`);
      }
      this.droppedDepth++;
      this.droppedAwaiting = awaitingBrace;
      return;
    }
    this.stack.push({ children: owner?.children ?? [], opener: owner, dropped: this.top().dropped || !owner, awaitingBrace });
  }

  private open(tk: SourceToken): void {
    const hadOnLine = this.lastOnThisLine !== undefined;
    const owner = this.flush();
    const top = this.top();
    this.lastOnThisLine = undefined;
    const prev = hadOnLine ? undefined : this.lastFromPrevLine;
    this.lastFromPrevLine = undefined;
    if (this.droppedDepth > 0 ? this.droppedAwaiting : top.awaitingBrace) {
      top.awaitingBrace = false;
      this.droppedAwaiting = false;
      return;
    }
    if (this.rule === BRACE_OPENS) {
      const o = owner ?? (prev && !prev.children ? prev : undefined);
      if (!o) this.sink.report(tk, 'KAD_ERR_CONFIG_UNEXPECTED_BRACE', "'{' without a keyword before it");
      this.push(o, false);
      return;
    }
    this.unexpectedOpen(tk, owner ?? prev);
  }

  /** keepalived drops a '{' no block keyword asked for; the '}' matching it closes the enclosing block. */
  private unexpectedOpen(tk: SourceToken, after: Node | undefined): void {
    const where = this.top().opener;
    const closes = where ? `${where.name}${where.args[0] ? ' ' + where.args[0].text : ''} (line ${where.head.line})` : 'nothing (it is an extra \'}\' at the top level)';
    const glued = tk.glued ? ` A '{' inside a word (an unrendered \${VAR} or {{ var }}?) is split out of it.` : '';
    this.sink.report(tk, 'KAD_ERR_CONFIG_UNEXPECTED_BRACE',
      (after ? `'${after.name}' takes no block, so this '{' is dropped, as keepalived 2.2.7 drops it ("Unexpected '{'").` : "'{' without a keyword before it is dropped (keepalived 2.2.7: \"Unexpected '{'\").") +
      `${glued} The '}' meant to match it closes ${closes} instead.`);
    if (after && after === this.lastFlushed) after.braceAfter = true;
  }

  /** A '}' split out of a word (`${VAR}`, `}}`) that ends a block: what keepalived then reads. */
  private warnGluedClose(tk: SourceToken, closed: Node): void {
    const name = `${closed.name}${closed.args[0] ? ' ' + closed.args[0].text : ''}`;
    this.sink.report(tk, 'KAD_WARN_CONFIG_BLOCK_SHAPE',
      `this '}' is inside a word (an unrendered \${VAR} or {{ var }}?): keepalived 2.2.7 splits braces out of words, so it closes ${name} (line ${closed.head.line}) here, and the lines after it that were meant for ${name} are read one level up; so does kad`);
  }

  /** keepalived 2.2.7: "Missing '{' at beginning of configuration block", and it reads the block anyway. */
  private missingOpen(n: Node): void {
    this.sink.report(n.head, 'KAD_ERR_CONFIG_MISSING_BRACE',
      `'${n.name}' opens a block but no '{' follows; keepalived 2.2.7 reports it and reads the lines after it, up to the next '}', as its contents, and so does kad`);
  }

  private close(tk: SourceToken): void {
    this.flush();
    if (this.top().awaitingBrace) this.missingOpen(this.top().opener!);
    this.top().awaitingBrace = false;
    if (this.droppedDepth > 0) this.droppedDepth--;
    else if (this.stack.length > 1) {
      const closed = this.stack.pop()!.opener;
      if (tk.glued && closed && this.rule !== BRACE_OPENS) this.warnGluedClose(tk, closed);
    } else this.sink.report(tk, 'KAD_ERR_CONFIG_UNEXPECTED_BRACE', "extra '}' with no block to close");
    this.lastOnThisLine = undefined;
  }
}
