import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone, normalizeTimeZone, validateContactRow } from '../../src/domain/contacts/contact-row.js';

describe('validateContactRow', () => {
  it('keeps a good row: email lower-cased, phone stripped to E.164, other columns as attributes', () => {
    const result = validateContactRow(
      { email: ' Alice@Example.COM ', phone: '+1 (415) 555-0123', first_name: ' Alice ', country: 'US', empty: '  ' },
      7,
    );
    expect(result).toEqual({
      ok: true,
      contact: {
        line: 7,
        email: 'alice@example.com',
        phone: '+14155550123',
        attributes: { first_name: 'Alice', country: 'US' },
        timeZone: null,
      },
      formulaColumns: [],
    });
  });

  it('rejects a row with a NUL or control character in any cell, naming the column (nothing else is checked)', () => {
    expect(validateContactRow({ email: 'ann@example.com', city: 'Mu\u0000nchen' }, 4)).toEqual({
      ok: false,
      line: 4,
      reason: 'column "city" contains a NUL character (U+0000) at character 3',
    });
    expect(validateContactRow({ email: 'bad', note: 'a\u0007b' }, 5)).toEqual({ ok: false, line: 5, reason: 'column "note" contains a control character (U+0007) at character 2' });
    // Tabs and line breaks are text.
    expect(validateContactRow({ email: 'ann@example.com', note: 'two\nlines\tand a tab' }, 6).ok).toBe(true);
  });

  it('keeps cells a spreadsheet would run as formulas as given, and names their columns', () => {
    const result = validateContactRow({ email: 'ann@example.com', phone: '+1 415 555 0123', a: '=HYPERLINK("http://x")', b: '@SUM(1)', c: '+1+2', d: '-12.5', e: 'plain' }, 2);
    expect(result).toMatchObject({ ok: true, contact: { attributes: { a: '=HYPERLINK("http://x")', b: '@SUM(1)', c: '+1+2', d: '-12.5' } }, formulaColumns: ['a', 'b', 'c'] });
  });

  it('quotes a bad value only as a short excerpt', () => {
    const result = validateContactRow({ email: `${'x'.repeat(5_000)}@` }, 2);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThan(100);
  });

  it('accepts email only or phone only', () => {
    expect(validateContactRow({ email: 'bob@example.org', phone: '' }, 2).ok).toBe(true);
    expect(validateContactRow({ phone: '+33 6 12 34 56 78' }, 3)).toMatchObject({ ok: true, contact: { email: null, phone: '+33612345678' } });
  });

  it('rejects a row with neither email nor phone', () => {
    expect(validateContactRow({ email: '', phone: ' ', name: 'Nobody' }, 4)).toEqual({ ok: false, line: 4, reason: 'no email or phone' });
    expect(validateContactRow({ name: 'Nobody' }, 5)).toEqual({ ok: false, line: 5, reason: 'no email or phone' });
  });

  it('names the bad email', () => {
    expect(validateContactRow({ email: 'bob@' }, 9)).toEqual({ ok: false, line: 9, reason: 'invalid email "bob@"' });
  });

  it('names the bad phone and says E.164 with an example', () => {
    expect(validateContactRow({ phone: '0612' }, 10)).toEqual({
      ok: false,
      line: 10,
      reason: 'phone "0612" is not E.164 (expected like +14155550123)',
    });
  });

  it('reports every problem of the row, not just the first', () => {
    const result = validateContactRow({ email: 'x@y', phone: '12345', timezone: 'Mars/Olympus' }, 3);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(
      'invalid email "x@y"; phone "12345" is not E.164 (expected like +14155550123); ' +
        'time zone "Mars/Olympus" is not an IANA time zone (expected like Europe/Paris)',
    );
  });

  it('rejects the row when one of two addresses is bad (nothing is silently dropped)', () => {
    expect(validateContactRow({ email: 'good@example.com', phone: 'call me' }, 2).ok).toBe(false);
  });

  it('validates and canonicalises the time zone from timezone or time_zone', () => {
    expect(validateContactRow({ email: 'a@example.com', timezone: 'europe/paris' }, 2)).toMatchObject({ ok: true, contact: { timeZone: 'Europe/Paris' } });
    expect(validateContactRow({ email: 'a@example.com', time_zone: 'America/New_York' }, 2)).toMatchObject({
      ok: true,
      contact: { timeZone: 'America/New_York', attributes: {} },
    });
    expect(validateContactRow({ email: 'a@example.com', time_zone: 'UTC' }, 2)).toMatchObject({ ok: true, contact: { timeZone: 'UTC' } });
  });

  it('keeps a column named __proto__ as a plain attribute', () => {
    const result = validateContactRow({ email: 'a@example.com', __proto__x: 'ok' } as Record<string, string>, 2);
    expect(result).toMatchObject({ ok: true, contact: { attributes: { __proto__x: 'ok' } } });
    const record: Record<string, string> = JSON.parse('{"email":"a@example.com","__proto__":"evil"}');
    const tricky = validateContactRow(record, 3);
    expect(tricky.ok && Object.getPrototypeOf(tricky.contact.attributes)).toBe(Object.prototype);
    expect(tricky.ok && Object.getOwnPropertyDescriptor(tricky.contact.attributes, '__proto__')?.value).toBe('evil');
  });
});

describe('normalizeEmail', () => {
  it.each([
    ['alice@example.com', 'alice@example.com'],
    ['First.Last+tag@Sub.Example.co.uk', 'first.last+tag@sub.example.co.uk'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['x@xn--bcher-kva.example', 'x@xn--bcher-kva.example'],
  ])('accepts %s', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each(['bob@', '@example.com', 'bob', 'bob@example', 'bob@@example.com', 'bob..x@example.com', '.bob@example.com', 'bob.@example.com',
    'bob@-example.com', 'bob@example-.com', 'bob@exa mple.com', 'bob smith@example.com', '"bob"@example.com', 'bob@[127.0.0.1]', 'bob@1.2.3.4',
    `${'a'.repeat(65)}@example.com`, `a@${'b'.repeat(250)}.com`])('rejects %s', (input) => {
    expect(normalizeEmail(input)).toBeNull();
  });
});

describe('normalizePhone', () => {
  it.each([
    ['+14155550123', '+14155550123'],
    ['+1 415 555 0123', '+14155550123'],
    ['+1-415-555-0123', '+14155550123'],
    ['+1.415.555.0123', '+14155550123'],
    ['+44 (20) 7946 0958', '+442079460958'],
    ['+12345678', '+12345678'],
    ['+123456789012345', '+123456789012345'],
  ])('accepts %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(['0612', '4155550123', '+1234567', '+1234567890123456', '+0123456789', '+1 415 555 0123 ext 4', '+1/415/5550123', '++14155550123', '00 33 6 12 34 56 78'])(
    'rejects %s',
    (input) => {
      expect(normalizePhone(input)).toBeNull();
    },
  );
});

describe('normalizeTimeZone', () => {
  it('knows IANA names and refuses others', () => {
    expect(normalizeTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(normalizeTimeZone('Not/AZone')).toBeNull();
    expect(normalizeTimeZone('')).toBeNull();
  });
});

describe('a fixed rejected-rows file', () => {
  it('imports as it is: its rejected_line and rejected_reason columns are not kept as attributes', () => {
    const result = validateContactRow({ rejected_line: '3', rejected_reason: 'invalid email "bob@"', email: 'bob@example.com', first_name: 'Bob' }, 2);
    expect(result).toEqual({ ok: true, contact: { line: 2, email: 'bob@example.com', phone: null, attributes: { first_name: 'Bob' }, timeZone: null }, formulaColumns: [] });
  });
});
