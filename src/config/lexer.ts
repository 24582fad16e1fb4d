/**
 * The keepalived.conf lexer: one physical line into words. `#` and `!` start a comment anywhere
 * outside quotes; `"` and `'` quote (the quotes are removed, the word is marked quoted); `{` and
 * `}` are words of their own even when written against a keyword (`authentication{`). Only ASCII
 * blanks separate words, like keepalived (a no-break space is part of a word).
 */

export interface Token {
  text: string;
  /** 1-based column of the first character. */
  col: number;
  quoted: boolean;
  /** A brace written against other characters (`${VAR}`, `{{`, `x{`): it was split out of a word. */
  glued?: boolean;
  file: string;
  /** 1-based line number. */
  line: number;
}

export interface LexedLine {
  tokens: Token[];
  /** Column of an opening quote that is never closed. */
  unmatchedQuoteCol?: number;
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const VT = 11;
const FF = 12;
const HASH = 35;
const BANG = 33;
const OPEN = 123;
const CLOSE = 125;
const DQUOTE = 34;
const SQUOTE = 39;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === VT || c === FF;
}

/** Ends a plain (unquoted) run of characters. */
function isBreak(c: number): boolean {
  return isBlank(c) || c === HASH || c === BANG || c === OPEN || c === CLOSE || c === DQUOTE || c === SQUOTE;
}

/** Split one line into tokens (tagged with the file and line given). Never throws. */
export function lexLine(text: string, file = '', line = 0): LexedLine {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === HASH || c === BANG) break;
    if (c === OPEN || c === CLOSE) {
      const glued = (i > 0 && !isBlank(text.charCodeAt(i - 1))) || (i + 1 < n && !isBlank(text.charCodeAt(i + 1)));
      tokens.push({ text: c === OPEN ? '{' : '}', col: i + 1, quoted: false, ...(glued ? { glued } : {}), file, line });
      i++;
      continue;
    }
    // A word: plain runs and quoted runs glued together until a blank, brace or comment.
    const col = i + 1;
    let word = '';
    let quoted = false;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === DQUOTE || d === SQUOTE) {
        const end = text.indexOf(d === DQUOTE ? '"' : "'", i + 1);
        quoted = true;
        if (end < 0) {
          tokens.push({ text: word + text.slice(i + 1), col, quoted, file, line });
          return { tokens, unmatchedQuoteCol: i + 1 };
        }
        word += text.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      if (isBreak(d)) break;
      let j = i + 1;
      while (j < n && !isBreak(text.charCodeAt(j))) j++;
      word += text.slice(i, j);
      i = j;
    }
    tokens.push({ text: word, col, quoted, file, line });
  }
  return { tokens };
}
