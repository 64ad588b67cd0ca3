import { AppError } from '../errors.js';

/**
 * The one set of length limits for what people name and describe, used by the command grammar
 * (so a bad value is refused with its flag before anything runs) and by the domain (so every edge,
 * Slack modals included, gets the same answer). Lengths count characters (code points).
 */
export const TEXT_LIMITS = {
  /** Campaign, template, list and segment names. */
  name: 120,
  /** Campaign and list descriptions. */
  description: 1_000,
  /** One campaign tag. */
  tag: 50,
  /** Tags on one campaign. */
  tagsPerCampaign: 20,
  /** A subject line, a sender name, a reason. */
  line: 1_000,
} as const;

/** File arguments read from Herald's own disk (`--html-file`, `--text-file`): the same caps as uploads. */
export const FILE_LIMITS = {
  /** An HTML template body, in bytes (500 KB). */
  html: 500_000,
  /** A plain-text template body, in bytes (200 KB). */
  text: 200_000,
} as const;

/**
 * Characters no stored text may hold: NUL (PostgreSQL refuses it in text and JSON) and the other
 * C0 controls except tab, line feed and carriage return, plus unpaired surrogates (not Unicode).
 */
const INVALID_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` cannot be stored ("holds a NUL character (U+0000) at character 4"), or null. */
export function invalidCharacter(value: string): string | null {
  const match = INVALID_CHARACTER.exec(value);
  if (!match) return null;
  const code = match[0].charCodeAt(0);
  const name = code === 0 ? 'a NUL character' : code >= 0xd800 ? 'a broken character (an unpaired surrogate)' : 'a control character';
  return `holds ${name} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at character ${[...value.slice(0, match.index)].length + 1}`;
}

/** Characters (code points), as limits count them. */
export function textLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/**
 * Why `value` cannot be stored as `field` under `max` characters, or null; the sentence starts
 * after the field's name (`--name` + ` is 130 characters; at most 120`).
 */
export function textProblem(value: string, max: number): string | null {
  const bad = invalidCharacter(value);
  if (bad) return bad;
  const length = textLength(value);
  return length > max ? `is ${length} characters; at most ${max}` : null;
}

/** Throws INVALID_INPUT naming `field` when `value` cannot be stored; returns it otherwise. */
export function checkText(field: string, value: string, max: number): string {
  const problem = textProblem(value, max);
  if (problem) throw new AppError('INVALID_INPUT', `${field} ${problem}.`, { field });
  return value;
}
