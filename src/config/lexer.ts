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
  file: string;
  /** 1-based line number. */
  line: number;
}

export interface LexedLine {
  tokens: Token[];
  /** Column of an opening quote that is never closed. */
  unmatchedQuoteCol?: number;
}

const BLANK = new Set([' ', '\t', '\r', '\v', '\f']);

/** Split one line into tokens (tagged with the file and line given). Never throws. */
export function lexLine(text: string, file = '', line = 0): LexedLine {
  const tokens: Token[] = [];
  let unmatchedQuoteCol: number | undefined;
  let word = '';
  let wordCol = 0;
  let quoted = false;
  const flush = (): void => {
    if (word.length > 0 || quoted) tokens.push({ text: word, col: wordCol, quoted, file, line });
    word = '';
    quoted = false;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (BLANK.has(c)) {
      flush();
      i++;
    } else if (c === '#' || c === '!') {
      break;
    } else if (c === '{' || c === '}') {
      flush();
      tokens.push({ text: c, col: i + 1, quoted: false, file, line });
      i++;
    } else if (c === '"' || c === "'") {
      if (word.length === 0 && !quoted) wordCol = i + 1;
      const end = text.indexOf(c, i + 1);
      if (end < 0) {
        unmatchedQuoteCol = i + 1;
        word += text.slice(i + 1);
        quoted = true;
        i = text.length;
      } else {
        word += text.slice(i + 1, end);
        quoted = true;
        i = end + 1;
      }
    } else {
      if (word.length === 0 && !quoted) wordCol = i + 1;
      word += c;
      i++;
    }
  }
  flush();
  return unmatchedQuoteCol === undefined ? { tokens } : { tokens, unmatchedQuoteCol };
}
