import { AppError } from '../errors.js';

/**
 * Segment filters: attribute conditions joined by "all" (and) or "any" (or). The same semantics
 * are implemented twice, here for previews and unit tests and in SQL (`adapters/db/audience-sql.ts`)
 * for audiences; the integration tests hold the two together. The rules:
 *
 * - `email` and `phone` are the contact's own columns; any other field is an attribute key.
 *   Import lower-cases column headers, so fields are lower-cased here too.
 * - A field "exists" when it has a non-empty value.
 * - eq/gt/gte/lt/lte are false when the field is missing; neq is true when it is missing
 *   ("country != US" includes contacts with no country).
 * - When the condition's value is a number (`-?digits[.digits]`), eq/neq/gt/gte/lt/lte compare
 *   numerically, and a field that is not a number does not match (`age >= 30` never matches
 *   "unknown"); otherwise they compare text by code point (SQL: COLLATE "C"), which orders ISO
 *   dates correctly.
 * - contains is a case-insensitive substring test (no wildcards).
 */
export type ConditionOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'exists' | 'not_exists';

export const CONDITION_OPS: readonly ConditionOp[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'not_exists'];

export interface Condition {
  field: string;
  op: ConditionOp;
  /** Absent for exists / not_exists, required otherwise. */
  value?: string;
}

export interface SegmentFilter {
  match: 'all' | 'any';
  conditions: Condition[];
}

/** The fields of a contact a filter can look at. */
export interface FilterableContact {
  email: string | null;
  phone: string | null;
  attributes: Record<string, string>;
}

/** Shared with the SQL compiler so both sides agree on what a number is. */
export const NUMBER_PATTERN = '^-?[0-9]{1,30}(\\.[0-9]{1,30})?$';
const NUMBER_RE = new RegExp(NUMBER_PATTERN);

export const MAX_CONDITIONS = 50;
const MAX_FIELD_LENGTH = 100;
const MAX_VALUE_LENGTH = 1000;

const OP_SYMBOL: Record<ConditionOp, string> = {
  eq: '=',
  neq: '!=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  contains: 'contains',
  exists: 'exists',
  not_exists: 'does not exist',
};

export function isNumber(value: string): boolean {
  return NUMBER_RE.test(value);
}

export function needsValue(op: ConditionOp): boolean {
  return op !== 'exists' && op !== 'not_exists';
}

/**
 * Checks a filter from anywhere (a stored JSON column, a command, a modal) and returns a clean
 * copy: fields trimmed and lower-cased, email values lower-cased like stored emails, numbers and
 * booleans turned into strings. `match` defaults to "all".
 */
export function parseSegmentFilter(json: unknown): SegmentFilter {
  if (!isRecord(json)) throw invalid('a segment filter must be an object like { match: "all", conditions: [...] }');
  const match = json.match ?? 'all';
  if (match !== 'all' && match !== 'any') throw invalid(`match must be "all" or "any", not ${show(match)}`);
  const conditions = json.conditions;
  if (!Array.isArray(conditions)) throw invalid('conditions must be a list');
  if (conditions.length === 0) throw invalid('a filter needs at least one condition');
  if (conditions.length > MAX_CONDITIONS) throw invalid(`a filter has at most ${MAX_CONDITIONS} conditions, this one has ${conditions.length}`);
  return { match, conditions: conditions.map((c, i) => parseCondition(c, i + 1)) };
}

function parseCondition(raw: unknown, n: number): Condition {
  const where = `condition ${n}`;
  if (!isRecord(raw)) throw invalid(`${where} must be an object like { field, op, value }`);
  if (typeof raw.field !== 'string' || raw.field.trim() === '') throw invalid(`${where}: field must be a non-empty text`);
  const field = raw.field.trim().toLowerCase();
  if (field.length > MAX_FIELD_LENGTH) throw invalid(`${where}: field is longer than ${MAX_FIELD_LENGTH} characters`);
  const op = raw.op;
  if (typeof op !== 'string' || !(CONDITION_OPS as readonly string[]).includes(op)) {
    throw invalid(`${where} (${field}): op ${show(op)} is not one of ${CONDITION_OPS.join(', ')}`);
  }
  const condition: Condition = { field, op: op as ConditionOp };
  if (!needsValue(condition.op)) return condition;
  const value = raw.value;
  if (value === undefined || value === null) throw invalid(`${where} (${field} ${OP_SYMBOL[condition.op]}): a value is required`);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw invalid(`${where} (${field} ${OP_SYMBOL[condition.op]}): value must be text or a number`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw invalid(`${where} (${field}): value ${value} is not a finite number`);
  let text = String(value);
  if (text.length > MAX_VALUE_LENGTH) throw invalid(`${where} (${field}): value is longer than ${MAX_VALUE_LENGTH} characters`);
  if (condition.op === 'contains' && text === '') throw invalid(`${where} (${field} contains): the value must not be empty`);
  if (field === 'email') text = text.toLowerCase();
  return { ...condition, value: text };
}

/** A person's reading of a filter, e.g. `country = "US" and age >= 30`. Stable: used to compare rules. */
export function describeFilter(filter: SegmentFilter): string {
  const joiner = filter.match === 'all' ? ' and ' : ' or ';
  return filter.conditions.map(describeCondition).join(joiner);
}

export function describeCondition(c: Condition): string {
  if (!needsValue(c.op)) return `${c.field} ${OP_SYMBOL[c.op]}`;
  const value = c.value ?? '';
  return `${c.field} ${OP_SYMBOL[c.op]} ${isNumber(value) ? value : JSON.stringify(value)}`;
}

export function matchesFilter(filter: SegmentFilter, contact: FilterableContact): boolean {
  const test = (c: Condition) => matchesCondition(c, contact);
  if (filter.match === 'all') return filter.conditions.every(test);
  return filter.conditions.some(test);
}

export function matchesCondition(c: Condition, contact: FilterableContact): boolean {
  const actual = fieldValue(contact, c.field);
  const present = actual !== undefined && actual !== '';
  switch (c.op) {
    case 'exists':
      return present;
    case 'not_exists':
      return !present;
    case 'neq':
      return !equals(actual, c.value ?? '');
    case 'eq':
      return equals(actual, c.value ?? '');
    case 'contains':
      return actual !== undefined && actual.toLowerCase().includes((c.value ?? '').toLowerCase());
    default: {
      const order = compare(actual, c.value ?? '');
      if (order === null) return false;
      if (c.op === 'gt') return order > 0;
      if (c.op === 'gte') return order >= 0;
      if (c.op === 'lt') return order < 0;
      return order <= 0;
    }
  }
}

function fieldValue(contact: FilterableContact, field: string): string | undefined {
  if (field === 'email') return contact.email ?? undefined;
  if (field === 'phone') return contact.phone ?? undefined;
  return Object.prototype.hasOwnProperty.call(contact.attributes, field) ? contact.attributes[field] : undefined;
}

function equals(actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  if (isNumber(expected) && isNumber(actual)) return compareDecimals(actual, expected) === 0;
  return actual === expected;
}

/** null when the two cannot be ordered (missing field, or a number compared with non-number text). */
function compare(actual: string | undefined, expected: string): number | null {
  if (actual === undefined) return null;
  if (isNumber(expected)) return isNumber(actual) ? compareDecimals(actual, expected) : null;
  return compareCodePoints(actual, expected);
}

/** Exact comparison of two `-?digits[.digits]` strings (no float rounding, like SQL numeric). */
export function compareDecimals(a: string, b: string): number {
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  const [intA, fracA] = splitDecimal(negA ? a.slice(1) : a);
  const [intB, fracB] = splitDecimal(negB ? b.slice(1) : b);
  const zeroA = /^0*$/.test(intA + fracA);
  const zeroB = /^0*$/.test(intB + fracB);
  const signA = zeroA ? 0 : negA ? -1 : 1;
  const signB = zeroB ? 0 : negB ? -1 : 1;
  if (signA !== signB) return Math.sign(signA - signB);
  if (signA === 0) return 0;
  let magnitude: number;
  if (intA.length !== intB.length) magnitude = intA.length < intB.length ? -1 : 1;
  else {
    const width = Math.max(fracA.length, fracB.length);
    magnitude = compareCodePoints(intA + fracA.padEnd(width, '0'), intB + fracB.padEnd(width, '0'));
  }
  return signA * magnitude;
}

function splitDecimal(unsigned: string): [string, string] {
  const [int = '', frac = ''] = unsigned.split('.');
  return [int.replace(/^0+/, ''), frac.replace(/0+$/, '')];
}

/** Orders like PostgreSQL's COLLATE "C" on UTF-8 (code point order, not UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value) ?? String(value);
}

function invalid(problem: string): AppError {
  return new AppError('INVALID_INPUT', `Invalid segment filter: ${problem}.`, { problem });
}
