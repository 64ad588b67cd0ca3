import { AppError } from '../errors.js';
import { describeInvalidCharacter, findInvalidCharacter, nameInvalidCharacter } from './invalid-characters.js';

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
 * Why `value` cannot be stored ("contains a NUL character (U+0000) at character 4"), or null: the one check of invalid-characters.ts. Tab and line breaks pass unless `multiline` is false.
 */
export function invalidCharacter(value: string, multiline = true): string | null {
  const found = findInvalidCharacter(value, { multiline });
  return found ? `contains ${nameInvalidCharacter(found.codePoint)} at character ${found.position}` : null;
}

/** What a message says of a value that cannot be stored: "contains a NUL character (U+0000) at character 4; remove it". */
export function invalidCharacterProblem(value: string, multiline = true): string | null {
  const found = findInvalidCharacter(value, { multiline });
  return found ? describeInvalidCharacter(found, multiline) : null;
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
  const bad = invalidCharacterProblem(value);
  if (bad) return bad;
  const length = textLength(value);
  return length > max ? `is ${length} characters; at most ${max}` : null;
}

/**
 * Throws INVALID_INPUT when `value` cannot be stored under `max` characters, worded with `label`
 * ("The name is 130 characters; at most 120.") and carrying the input `field` for the edges
 * (the console names the flag, Slack the form block); returns the value otherwise.
 */
export function checkText(label: string, value: string, max: number, field?: string): string {
  const problem = textProblem(value, max);
  if (problem) throw new AppError('INVALID_INPUT', `${label} ${problem}.`, field ? { field } : {});
  return value;
}
