import { excerpt } from './excerpt.js';

/**
 * Characters no stored text may hold, found in one place for every edge (the command grammar, the
 * Slack forms through the same value schemas, and the database adapter's last guard):
 * - control characters (C0, DEL, C1): NUL cannot be stored by PostgreSQL at all, and the others are
 *   invisible, break terminals and CSV readers; a tab or line break is allowed only where the value
 *   is free text written on several lines (a description, a reason, a template body);
 * - lone UTF-16 surrogates (half of a character, from text that was cut or mis-encoded): PostgreSQL's
 *   client encoding would silently store U+FFFD in their place;
 * - noncharacters (U+FDD0..U+FDEF and the last two code points of every plane, U+FFFE/U+FFFF...),
 *   which Unicode reserves for a program's internal use and never for interchange.
 */

export interface InvalidCharacter {
  /** The offending code point. */
  codePoint: number;
  /** 1-based position counted in characters (code points), as people count. */
  position: number;
}

const LINE_WHITESPACE = new Set([0x09, 0x0a, 0x0d]);
const INVALID = /[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/gu;

/** The first character `text` must not hold, or null. `multiline` allows tab, LF and CR. */
export function findInvalidCharacter(text: string, options: { multiline?: boolean } = {}): InvalidCharacter | null {
  INVALID.lastIndex = 0;
  for (let match = INVALID.exec(text); match; match = INVALID.exec(text)) {
    const codePoint = match[0].codePointAt(0) as number;
    if (options.multiline && LINE_WHITESPACE.has(codePoint)) continue;
    return { codePoint, position: countCodePoints(text, match.index) + 1 };
  }
  return null;
}

function countCodePoints(text: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i += 1) {
    const unit = text.charCodeAt(i);
    // The high half of a pair counts; the low half that follows it does not.
    if (unit >= 0xdc00 && unit <= 0xdfff && i > 0 && isHigh(text.charCodeAt(i - 1))) continue;
    n += 1;
  }
  return n;
}

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;

const hex = (codePoint: number): string => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** What the character is, for a sentence: `a NUL character (U+0000)`. */
export function nameInvalidCharacter(codePoint: number): string {
  if (codePoint === 0) return `a NUL character (${hex(codePoint)})`;
  if (codePoint === 0x09) return `a tab (${hex(codePoint)})`;
  if (codePoint === 0x0a || codePoint === 0x0d) return `a line break (${hex(codePoint)})`;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return `half of a character (lone surrogate ${hex(codePoint)}; the text was cut or mis-encoded)`;
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return `a control character (${hex(codePoint)})`;
  return `a noncharacter (${hex(codePoint)})`;
}

/**
 * The rest of a sentence that starts with the value's name: `contains a NUL character (U+0000) at
 * character 3; remove it`. Line breaks in a one-line value say so.
 */
export function describeInvalidCharacter(found: InvalidCharacter, multiline = false): string {
  const what = nameInvalidCharacter(found.codePoint);
  const oneLine = !multiline && LINE_WHITESPACE.has(found.codePoint) ? ' (tabs and line breaks are not allowed here)' : '';
  return `contains ${what} at character ${found.position}${oneLine}; remove it`;
}

/**
 * `text` as a JSON string literal for a reply, with every character {@link findInvalidCharacter}
 * refuses written as an escape (JSON.stringify leaves DEL, C1 controls and noncharacters raw), so
 * echoing what someone typed never puts a terminal escape or an invisible character in a reply.
 */
export function quoteTyped(text: string): string {
  return escapeInvalid(JSON.stringify(text));
}

/** {@link quoteTyped} of a bounded excerpt (excerpt.ts): what a refusal echoes of a typed value. */
export function excerptTyped(text: string, max?: number): string {
  return escapeInvalid(excerpt(text, max));
}

function escapeInvalid(quoted: string): string {
  return quoted.replace(INVALID, (ch) => {
    const codePoint = ch.codePointAt(0) as number;
    return codePoint > 0xffff ? `\\u{${codePoint.toString(16).toUpperCase()}}` : `\\u${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}
