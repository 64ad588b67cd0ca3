import { describe, expect, it } from 'vitest';
import {
  compareDecimals,
  describeFilter,
  matchesFilter,
  parseSegmentFilter,
  type FilterableContact,
  type SegmentFilter,
} from '../../src/domain/contacts/segment-filter.js';
import { AppError } from '../../src/domain/errors.js';

const contact = (attributes: Record<string, string>, email: string | null = 'a@example.com', phone: string | null = null): FilterableContact => ({
  email,
  phone,
  attributes,
});

function parseError(json: unknown): AppError {
  try {
    parseSegmentFilter(json);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected parseSegmentFilter to throw');
}

describe('parseSegmentFilter', () => {
  it('returns a clean copy: fields lower-cased, numbers as text, email values lower-cased, match defaults to all', () => {
    expect(
      parseSegmentFilter({
        conditions: [
          { field: ' Country ', op: 'eq', value: 'US' },
          { field: 'age', op: 'gte', value: 30 },
          { field: 'email', op: 'contains', value: '@Example.COM' },
          { field: 'vip', op: 'exists', value: 'ignored' },
        ],
      }),
    ).toEqual({
      match: 'all',
      conditions: [
        { field: 'country', op: 'eq', value: 'US' },
        { field: 'age', op: 'gte', value: '30' },
        { field: 'email', op: 'contains', value: '@example.com' },
        { field: 'vip', op: 'exists' },
      ],
    });
  });

  it.each([
    [null, 'must be an object'],
    [[], 'must be an object'],
    [{ match: 'some', conditions: [] }, 'match must be "all" or "any", not "some"'],
    [{ match: 'all' }, 'conditions must be a list'],
    [{ match: 'all', conditions: [] }, 'at least one condition'],
    [{ match: 'all', conditions: ['country=US'] }, 'condition 1 must be an object'],
    [{ match: 'any', conditions: [{ field: 'a', op: 'eq', value: 'x' }, { field: '', op: 'eq', value: 'x' }] }, 'condition 2: field must be a non-empty text'],
    [{ match: 'all', conditions: [{ field: 'age', op: 'like', value: '3' }] }, 'condition 1 (age): op "like" is not one of eq, neq'],
    [{ match: 'all', conditions: [{ field: 'age', op: 'gte' }] }, 'condition 1 (age >=): a value is required'],
    [{ match: 'all', conditions: [{ field: 'age', op: 'gte', value: { n: 1 } }] }, 'value must be text or a number'],
    [{ match: 'all', conditions: [{ field: 'name', op: 'contains', value: '' }] }, 'must not be empty'],
    [{ match: 'all', conditions: Array.from({ length: 51 }, () => ({ field: 'a', op: 'exists' })) }, 'at most 50 conditions'],
  ])('refuses %j naming the problem', (json, message) => {
    const error = parseError(json);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(message);
  });
});

describe('describeFilter', () => {
  it('reads like a rule: numbers bare, text quoted, joined by and/or', () => {
    const f = parseSegmentFilter({
      match: 'all',
      conditions: [
        { field: 'country', op: 'eq', value: 'US' },
        { field: 'age', op: 'gte', value: '30' },
      ],
    });
    expect(describeFilter(f)).toBe('country = "US" and age >= 30');
    expect(
      describeFilter(
        parseSegmentFilter({
          match: 'any',
          conditions: [
            { field: 'plan', op: 'neq', value: 'free' },
            { field: 'name', op: 'contains', value: 'an "x"' },
            { field: 'vip', op: 'exists' },
            { field: 'phone', op: 'not_exists' },
            { field: 'score', op: 'lt', value: '-1.5' },
          ],
        }),
      ),
    ).toBe('plan != "free" or name contains "an \\"x\\"" or vip exists or phone does not exist or score < -1.5');
  });
});

describe('matchesFilter', () => {
  const f = (match: 'all' | 'any', ...conditions: unknown[]): SegmentFilter => parseSegmentFilter({ match, conditions });

  it('eq is exact text, or numeric when the value is a number', () => {
    const us = f('all', { field: 'country', op: 'eq', value: 'US' });
    expect(matchesFilter(us, contact({ country: 'US' }))).toBe(true);
    expect(matchesFilter(us, contact({ country: 'us' }))).toBe(false);
    expect(matchesFilter(us, contact({}))).toBe(false);
    const thirty = f('all', { field: 'age', op: 'eq', value: '30' });
    expect(matchesFilter(thirty, contact({ age: '30.0' }))).toBe(true);
    expect(matchesFilter(thirty, contact({ age: '030' }))).toBe(true);
    expect(matchesFilter(thirty, contact({ age: 'thirty' }))).toBe(false);
  });

  it('neq includes contacts without the field', () => {
    const notUs = f('all', { field: 'country', op: 'neq', value: 'US' });
    expect(matchesFilter(notUs, contact({ country: 'FR' }))).toBe(true);
    expect(matchesFilter(notUs, contact({}))).toBe(true);
    expect(matchesFilter(notUs, contact({ country: 'US' }))).toBe(false);
  });

  it('gte with a number compares numbers and ignores values that are not numbers', () => {
    const adults = f('all', { field: 'age', op: 'gte', value: '30' });
    const ages = ['9', '30', '100', '29.99', '30.5', '-40', 'abc', '', '1e3', '31 '];
    expect(ages.filter((age) => matchesFilter(adults, contact({ age })))).toEqual(['30', '100', '30.5']);
  });

  it('gt/lt with text compare by code point (ISO dates order correctly)', () => {
    const recent = f('all', { field: 'signup', op: 'gt', value: '2024-01-31' });
    expect(matchesFilter(recent, contact({ signup: '2024-02-01' }))).toBe(true);
    expect(matchesFilter(recent, contact({ signup: '2023-12-31' }))).toBe(false);
    const early = f('all', { field: 'name', op: 'lt', value: 'b' });
    expect(matchesFilter(early, contact({ name: 'B' }))).toBe(true); // "B" (66) < "b" (98), like COLLATE "C"
    expect(matchesFilter(early, contact({ name: 'é' }))).toBe(false);
    expect(matchesFilter(f('all', { field: 'x', op: 'lte', value: 'a' }), contact({}))).toBe(false);
  });

  it('contains is case-insensitive and literal', () => {
    const gmail = f('all', { field: 'email', op: 'contains', value: '@GMAIL.' });
    expect(matchesFilter(gmail, contact({}, 'Someone@gmail.com'))).toBe(true);
    expect(matchesFilter(gmail, contact({}, 'someone@example.com'))).toBe(false);
    expect(matchesFilter(gmail, contact({}, null, '+14155550123'))).toBe(false);
    const percent = f('all', { field: 'promo', op: 'contains', value: '50%' });
    expect(matchesFilter(percent, contact({ promo: 'save 50% now' }))).toBe(true);
    expect(matchesFilter(percent, contact({ promo: 'save 500 now' }))).toBe(false);
  });

  it('exists / not_exists look for a non-empty value, on attributes and on email/phone', () => {
    const vip = f('all', { field: 'vip', op: 'exists' });
    expect(matchesFilter(vip, contact({ vip: 'yes' }))).toBe(true);
    expect(matchesFilter(vip, contact({ vip: '' }))).toBe(false);
    expect(matchesFilter(vip, contact({}))).toBe(false);
    const noPhone = f('all', { field: 'phone', op: 'not_exists' });
    expect(matchesFilter(noPhone, contact({}, 'a@example.com', null))).toBe(true);
    expect(matchesFilter(noPhone, contact({}, null, '+14155550123'))).toBe(false);
  });

  it('all needs every condition, any needs one', () => {
    const conditions = [
      { field: 'country', op: 'eq', value: 'US' },
      { field: 'age', op: 'gte', value: '30' },
    ];
    const both = contact({ country: 'US', age: '40' });
    const one = contact({ country: 'US', age: '20' });
    const none = contact({ country: 'FR' });
    expect([both, one, none].map((c) => matchesFilter(f('all', ...conditions), c))).toEqual([true, false, false]);
    expect([both, one, none].map((c) => matchesFilter(f('any', ...conditions), c))).toEqual([true, true, false]);
  });

  it('does not read inherited properties as attributes', () => {
    expect(matchesFilter(f('all', { field: 'constructor', op: 'exists' }), contact({}))).toBe(false);
    expect(matchesFilter(f('all', { field: 'tostring', op: 'exists' }), contact({}))).toBe(false);
  });
});

describe('compareDecimals', () => {
  it.each([
    ['1', '2', -1],
    ['10', '9', 1],
    ['-10', '9', -1],
    ['-10', '-9', -1],
    ['0', '-0', 0],
    ['0.0', '0', 0],
    ['1.50', '1.5', 0],
    ['007', '7', 0],
    ['12345678901234567890', '12345678901234567891', -1],
    ['0.1', '0.09', 1],
    ['-0.1', '0', -1],
  ])('compares %s with %s exactly', (a, b, expected) => {
    expect(compareDecimals(a, b)).toBe(expected);
    expect(compareDecimals(b, a)).toBe(-expected || 0);
  });
});
