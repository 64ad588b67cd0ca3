/**
 * Splits a `/campaign` command line into tokens, shell-style but smaller:
 * - whitespace separates tokens; double and single quotes group (`"Spring sale"`, `'a b'`), and a
 *   quoted part may sit inside a word (`--name="Spring sale"`);
 * - inside double quotes `\"` and `\\` are escapes; every other backslash is kept as typed, so
 *   Windows paths and regex-looking text survive; single quotes take everything literally;
 * - Slack's "smart" punctuation is accepted as typed on macOS/iOS: “curly” and ‘curly’ quotes group
 *   like straight ones (a curly ’ between letters is an apostrophe), and a leading em/en dash (`—channel`, what Slack makes of `--channel`)
 *   reads as `--`;
 * - an unquoted leading `/campaign` is dropped, so the console and Slack share one grammar;
 * - an unquoted word starting with `--` is a flag; `--flag=value` carries its value inline.
 *   A quoted `"--x"` is an ordinary word, which is how a value that starts with `--` is written.
 *
 * Columns are 1-based and count Unicode code points of the original line.
 */

export interface WordToken {
  kind: 'word';
  value: string;
  column: number;
  /** True when any part of the word came from inside quotes. */
  quoted: boolean;
}

export interface FlagToken {
  kind: 'flag';
  /** Lower-cased name without the leading dashes; `''` for a bare `--` (end of flags). */
  name: string;
  /** The inline value of `--flag=value` (may be `''`); undefined for `--flag` alone. */
  value: string | undefined;
  column: number;
  /** The token as typed (after quote removal), for messages. */
  raw: string;
}

export type Token = WordToken | FlagToken;

/** An opening quote that is never closed; `column` is where it opened. */
export class UnterminatedQuoteError extends Error {
  constructor(
    readonly column: number,
    readonly quote: string,
  ) {
    super(`Unterminated ${quote === "'" || quote === '‘' ? 'single' : 'double'} quote opened at column ${column}`);
    this.name = 'UnterminatedQuoteError';
  }
}

const DOUBLE_OPEN = new Set(['"', '“', '”', '„']);
const DOUBLE_CLOSE = new Set(['"', '“', '”']);
const SINGLE_OPEN = new Set(["'", '‘']);
const SINGLE_CLOSE = new Set(["'", '’', '‘']);

/** A curly ’ followed by a letter is an apostrophe (‘don’t send’), not the closing quote. */
function closesSingle(ch: string, next: string | undefined): boolean {
  if (!SINGLE_CLOSE.has(ch)) return false;
  return ch === "'" || next === undefined || !/[\p{L}\p{N}]/u.test(next);
}
/** What `/\s/u` matches, as a set: one lookup per character keeps a 100 kB line to a few ms. */
const WHITESPACE = new Set(['\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i))]);
const SMART_DASH = /^[\u2013\u2014](?=[A-Za-z])/;

interface RawWord {
  text: string;
  column: number;
  /** Index in `text` of the first character that came from a quote (Infinity when none). */
  firstQuoted: number;
}

function splitWords(line: string): RawWord[] {
  const chars = Array.from(line);
  const words: RawWord[] = [];
  let current: RawWord | undefined;
  const start = (column: number): RawWord => {
    current ??= { text: '', column, firstQuoted: Number.POSITIVE_INFINITY };
    return current;
  };

  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i] as string;
    const column = i + 1;
    if (WHITESPACE.has(ch)) {
      if (current) words.push(current);
      current = undefined;
      continue;
    }
    const double = DOUBLE_OPEN.has(ch);
    if (double || SINGLE_OPEN.has(ch)) {
      const word = start(column);
      word.firstQuoted = Math.min(word.firstQuoted, word.text.length);
      let closed = false;
      for (i += 1; i < chars.length; i += 1) {
        const inner = chars[i] as string;
        if (double && inner === '\\' && (chars[i + 1] === '"' || chars[i + 1] === '\\' || chars[i + 1] === '”')) {
          word.text += chars[i + 1];
          i += 1;
        } else if (double ? DOUBLE_CLOSE.has(inner) : closesSingle(inner, chars[i + 1])) {
          closed = true;
          break;
        } else {
          // Up to the next character that may end the quote or escape, in one slice.
          let end = i + 1;
          while (end < chars.length && chars[end] !== '\\' && !(double ? DOUBLE_CLOSE : SINGLE_CLOSE).has(chars[end] as string)) end += 1;
          word.text += end === i + 1 ? inner : chars.slice(i, end).join('');
          i = end - 1;
        }
      }
      if (!closed) throw new UnterminatedQuoteError(column, ch);
      continue;
    }
    // A run of ordinary characters is appended at once (a 100 kB word is one slice, not 100k appends).
    let end = i + 1;
    while (end < chars.length && !WHITESPACE.has(chars[end] as string) && !DOUBLE_OPEN.has(chars[end] as string) && !SINGLE_OPEN.has(chars[end] as string)) end += 1;
    start(column).text += end === i + 1 ? ch : chars.slice(i, end).join('');
    i = end - 1;
  }
  if (current) words.push(current);
  return words;
}

function toToken(word: RawWord): Token {
  let { text, firstQuoted } = word;
  if (firstQuoted > 0 && SMART_DASH.test(text)) {
    text = `--${text.slice(1)}`;
    firstQuoted += 1;
  }
  // A flag needs its leading `--` typed outside quotes; `"--x"` stays a word.
  if (!text.startsWith('--') || firstQuoted < 2) {
    return { kind: 'word', value: text, column: word.column, quoted: firstQuoted !== Number.POSITIVE_INFINITY };
  }
  const eq = text.indexOf('=');
  const inline = eq !== -1 && eq < firstQuoted;
  return {
    kind: 'flag',
    name: (inline ? text.slice(2, eq) : text.slice(2)).toLowerCase(),
    value: inline ? text.slice(eq + 1) : undefined,
    column: word.column,
    raw: text,
  };
}

/**
 * Tokenizes one command line. Throws {@link UnterminatedQuoteError} for a quote left open
 * (`parseCommand` turns it into a `CommandSyntaxError` with code `UNTERMINATED_QUOTE`).
 */
export function tokenize(line: string): Token[] {
  const tokens = splitWords(line).map(toToken);
  const first = tokens[0];
  if (first?.kind === 'word' && !first.quoted && first.value.toLowerCase() === '/campaign') tokens.shift();
  return tokens;
}
