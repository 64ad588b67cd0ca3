import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContactsCsv } from '../../src/adapters/csv/read-contacts-csv.js';
import { audienceQuery } from '../../src/adapters/db/audience-sql.js';
import { createContactStore } from '../../src/adapters/db/contact-store.js';
import { PrismaSuppressionStore } from '../../src/adapters/db/suppression-store.js';
import { validateContactRow } from '../../src/domain/contacts/contact-row.js';
import { importContacts, type ImportReport } from '../../src/domain/contacts/import-contacts.js';
import { matchesFilter, parseSegmentFilter, type SegmentFilter } from '../../src/domain/contacts/segment-filter.js';
import { AppError } from '../../src/domain/errors.js';
import type { AudienceSpec, ContactInput, ContactStore } from '../../src/domain/ports/contact-store.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/test-database.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/contacts');
const fixture = (name: string) => path.join(FIXTURES, name);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('expected an AppError');
}

const filter = (match: 'all' | 'any', ...conditions: unknown[]): SegmentFilter => parseSegmentFilter({ match, conditions });

describe.each(ENGINES)('contacts, lists and segments on %s', (engine) => {
  let db: TestDatabase;
  let contacts: ContactStore;
  // Milliseconds included: timestamp(3) keeps them, and any time-zone shift would show.
  const clock = new FixedClock(new Date('2026-11-22T10:00:00.123Z'));
  const importFile = (file: string | NodeJS.ReadableStream, listName: string): Promise<ImportReport> =>
    importContacts({ rows: readContactsCsv(file), listName, actor: 'U_TEST' }, { contacts });

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    contacts = createContactStore(db.prisma, clock);
  });
  afterAll(async () => db?.drop());

  describe('CSV import', () => {
    it('keeps the good rows and reports each bad row with its line, and reads on after a broken quote', async () => {
      const report = await importFile(fixture('mixed.csv'), 'Customers');
      expect(report).toMatchObject({ list: 'Customers', createdList: true, inserted: 4, updated: 0, totalRows: 11 });
      expect(report.rejected).toEqual([
        { line: 3, reason: 'invalid email "bob@"' },
        { line: 4, reason: 'phone "0612" is not E.164 (expected like +14155550123)' },
        { line: 5, reason: 'expected 5 columns, got 4' },
        { line: 6, reason: 'expected 5 columns, got 6' },
        { line: 10, reason: 'no email or phone' },
        { line: 13, reason: 'a quote opened in column "first_name" is never closed; this line was not read; reading went on at the next line' },
      ]);
      expect(report.warnings).toEqual([{ line: 2, reason: 'duplicate of line 12; line 12 kept' }]);
      expect(report.rejectedCount).toBe(6);
      expect(report.warningCount).toBe(1);

      const list = await contacts.findListByName('customers');
      expect(list?.memberCount).toBe(4);
      const alice = await contacts.findContact('ALICE@example.com');
      // Line 12 won over line 2: its name and age, and no phone (line 2's phone was not kept).
      expect(alice).toMatchObject({ email: 'alice@example.com', phone: null, attributes: { first_name: 'Alice B', country: 'US', age: '35' }, lists: ['Customers'] });
      expect(await contacts.findContact('+1 415 555 0101')).toBeNull();
      const frank = await contacts.findContact('frank@example.com');
      expect(frank?.attributes).toEqual({ first_name: 'Frank\nJr', country: 'US', age: 'n/a' });
      expect(await contacts.findContact('+33 6 12 34 56 78')).toMatchObject({ email: 'grace@example.com', phone: '+33612345678' });
      expect(await contacts.findContact('heidi@example.com')).toBeNull();
      // The line after the broken quote is read, not lost.
      expect(await contacts.findContact('ivan@example.com')).toMatchObject({ attributes: { first_name: 'Ivan' } });
    });

    it('re-importing the same file updates instead of duplicating', async () => {
      const before = await db.prisma.contact.count();
      const report = await importFile(fixture('mixed.csv'), 'Customers');
      expect(report).toMatchObject({ createdList: false, inserted: 0, updated: 4, rejectedCount: 6, warningCount: 1 });
      expect(await db.prisma.contact.count()).toBe(before);
      expect((await contacts.findListByName('Customers'))?.memberCount).toBe(4);
    });

    it('merges attributes on update: new values win, columns left empty keep the old value', async () => {
      const report = await importFile(fixture('update.csv'), 'Customers');
      expect(report).toMatchObject({ inserted: 1, updated: 2, rejected: [], warnings: [], totalRows: 3 });
      expect((await contacts.findContact('alice@example.com'))?.attributes).toEqual({ first_name: 'Alice B', age: '35', country: 'CA', plan: 'gold' });
      expect((await contacts.findContact('grace@example.com'))?.attributes).toEqual({ first_name: 'Grace', age: '38', country: 'FR', plan: 'silver' });
      expect(await contacts.findContact('+14155550199')).toMatchObject({ email: 'newbie@example.com', attributes: { plan: 'free', country: 'US' } });
      expect((await contacts.findListByName('Customers'))?.memberCount).toBe(5);
    });

    it('rejects a row whose email and phone belong to two different contacts, and keeps the rest of the batch', async () => {
      const alice = await contacts.findContact('alice@example.com');
      const grace = await contacts.findContact('grace@example.com');
      const report = await importFile(fixture('conflict.csv'), 'Conflicts');
      expect(report).toMatchObject({ createdList: true, inserted: 0, updated: 1, warnings: [] });
      expect(report.rejected).toEqual([
        {
          line: 2,
          reason: `email "alice@example.com" belongs to contact #${alice!.id} and phone "+33612345678" to contact #${grace!.id}; a row cannot join two contacts`,
        },
      ]);
      expect((await contacts.findContact('alice@example.com'))?.phone).toBeNull();
      expect((await contacts.findContact('grace@example.com'))?.lists).toEqual(['Conflicts', 'Customers']);
    });

    it('rejects an earlier row that resolves to the same contact as a later row of the batch', async () => {
      const list = await contacts.createList({ name: 'Same target', description: '', createdBy: 'U_TEST' });
      const row = (line: number, email: string | null, phone: string | null): ContactInput => ({ line, email, phone, attributes: { line: String(line) }, timeZone: null });
      await contacts.upsertIntoList(list.id, [row(2, 'x@example.com', '+14155550301')]);
      const x = await contacts.findContact('x@example.com');
      // Line 2 moves x to a new phone; line 3 is a new email with x's current phone: both are x.
      const result = await contacts.upsertIntoList(list.id, [row(2, 'x@example.com', '+14155550302'), row(3, 'y@example.com', '+14155550301')]);
      expect(result).toEqual({ inserted: 0, updated: 1, rejected: [{ line: 2, reason: `same contact (#${x!.id}) as line 3; line 3 kept` }] });
      expect(await contacts.findContact('+14155550301')).toMatchObject({ id: x!.id, email: 'y@example.com', attributes: { line: '3' } });
    });

    it('two imports of the same new file at once: one list, no duplicate contacts', async () => {
      const [a, b] = await Promise.all([importFile(fixture('segments.csv'), 'Parallel'), importFile(fixture('segments.csv'), 'parallel')]);
      expect([a.createdList, b.createdList].sort()).toEqual([false, true]);
      expect(a.list).toBe(b.list);
      expect(a.inserted + b.inserted).toBe(7);
      expect(a.updated + b.updated).toBe(7);
      expect((await contacts.findListByName('PARALLEL'))?.memberCount).toBe(7);
      expect(await db.prisma.contact.count({ where: { email: { endsWith: '@example.com', startsWith: 's' } } })).toBe(6);
    });

    it('numbers lines in a file with a BOM, CRLF endings and blank lines; headers trimmed and lower-cased', async () => {
      const report = await importFile(fixture('bom-crlf.csv'), 'Bom');
      expect(report).toMatchObject({ inserted: 2, totalRows: 3, rejected: [{ line: 5, reason: 'invalid email "bad-email"' }] });
      expect(await contacts.findContact('+33123456789')).toMatchObject({ email: 'yann@example.com', attributes: {} });
      expect((await contacts.findContact('zoe@example.com'))?.attributes).toEqual({ city: 'Paris' });
    });

    it('refuses a missing file, an empty file and a header without email or phone, creating no list', async () => {
      expect(await codeOf(importFile(fixture('nope.csv'), 'Never'))).toBe(`NOT_FOUND: File not found: ${fixture('nope.csv')}. Nothing was imported.`);
      expect(await codeOf(importFile(Readable.from(['']), 'Never'))).toMatch(/^INVALID_INPUT: The CSV file is empty/);
      expect(await codeOf(importFile(fixture('no-address.csv'), 'Never'))).toBe(
        'INVALID_INPUT: The CSV header has no email or phone column (found: name, age). Nothing was imported.',
      );
      expect(await codeOf(importFile(Readable.from(['Email;Phone\na@example.com;\n']), 'Never'))).toMatch(/separated by ";": save it as comma-separated CSV/);
      expect(await codeOf(importFile(Readable.from(['email,phone,Email\n']), 'Never'))).toMatch(/^INVALID_INPUT: The CSV header repeats the column "email"/);
      expect(await contacts.findListByName('Never')).toBeNull();
    });

    it('imports a 20,000-row generated CSV streamed in batches', async () => {
      const rows = 20_000;
      async function* generate() {
        yield 'email,phone,first_name,n\n';
        for (let i = 0; i < rows; i += 500) {
          let chunk = '';
          for (let j = i; j < i + 500; j++) {
            // Every 1,000th row has a bad email; every row 10,000 apart shares a phone number
            // with a different email: those collide with an earlier batch and update it.
            const email = j % 1000 === 999 ? `bad${j}@` : `user${j}@bulk.example.com`;
            chunk += `${email},+1650555${String(j % 10_000).padStart(4, '0')},User ${j},${j}\n`;
          }
          yield chunk;
        }
      }
      const report = await importFile(Readable.from(generate()), 'Bulk');
      // Rows 10,000+ share a phone with row j-10,000, so with a different email they update that contact.
      expect(report).toMatchObject({ totalRows: rows, rejectedCount: 20, inserted: 10_000 - 10, updated: 10_000 - 10 });
      expect(report.rejected[0]).toEqual({ line: 1001, reason: 'invalid email "bad999@"' });
      expect((await contacts.findListByName('Bulk'))?.memberCount).toBe(9_990);
      expect(await contacts.findContact('+16505550005')).toMatchObject({ email: 'user10005@bulk.example.com', attributes: { first_name: 'User 10005', n: '10005' } });
    });
  });

  describe('lists', () => {
    it('refuses a second live list with the same name in any case', async () => {
      expect(await codeOf(contacts.createList({ name: ' customers ', description: '', createdBy: 'U_TEST' }))).toMatch(/^ALREADY_EXISTS/);
    });

    it('soft-deletes a list, frees its name and refuses imports into it', async () => {
      const list = await contacts.createList({ name: 'Old', description: 'to delete', createdBy: 'U_TEST' });
      // Stored as UTC: the instant read back is the injected clock's, exactly.
      expect(list.createdAt).toEqual(clock.now());
      await contacts.upsertIntoList(list.id, [{ line: 2, email: 'old@example.com', phone: null, attributes: {}, timeZone: null }]);
      clock.advance(60_000);
      await contacts.deleteList(list.id);
      await contacts.deleteList(list.id); // twice is harmless
      const deleted = await contacts.getList(list.id);
      expect(deleted).toMatchObject({ name: `Old (deleted ${list.id})`, memberCount: 1 });
      expect(deleted?.deletedAt).toEqual(clock.now());
      expect(await contacts.findListByName('Old')).toBeNull();
      expect((await contacts.listLists()).map((l) => l.name)).not.toContain(deleted?.name);
      expect(await codeOf(contacts.upsertIntoList(list.id, [{ line: 2, email: 'x@example.com', phone: null, attributes: {}, timeZone: null }]))).toMatch(/^NOT_FOUND/);
      const again = await contacts.createList({ name: 'Old', description: '', createdBy: 'U_TEST' });
      expect(again.id).not.toBe(list.id);
      expect((await contacts.findContact('old@example.com'))?.lists).toEqual([]);
      expect(await codeOf(contacts.deleteList(999_999))).toMatch(/^NOT_FOUND/);
    });
  });

  describe('segments and audiences', () => {
    let listId: number;
    let people: ContactInput[];
    const spec = (over: Partial<AudienceSpec>): AudienceSpec => ({ listId, include: [], exclude: [], oneTime: null, address: { field: 'email' }, ...over });

    beforeAll(async () => {
      const report = await importFile(fixture('segments.csv'), 'Segments');
      expect(report).toMatchObject({ rejected: [], totalRows: 7 });
      expect(report.inserted + report.updated).toBe(7);
      listId = (await contacts.findListByName('Segments'))!.id;
      people = fs
        .readFileSync(fixture('segments.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line, i) => {
          const [email, phone, country, age, name, vip, time_zone] = line.split(',');
          const checked = validateContactRow({ email: email!, phone: phone!, country: country!, age: age!, name: name!, vip: vip!, time_zone: time_zone! }, i + 2);
          if (!checked.ok) throw new Error(checked.reason);
          return checked.contact;
        });
    });

    const cases: [string, SegmentFilter, number][] = [
      ['country = US', filter('all', { field: 'country', op: 'eq', value: 'US' }), 3],
      ['age >= 30 on mixed data (n/a, 30.0)', filter('all', { field: 'age', op: 'gte', value: 30 }), 4],
      ['age < 30', filter('all', { field: 'age', op: 'lt', value: '30' }), 1],
      ['age = 30 matches 30.0', filter('all', { field: 'age', op: 'eq', value: '30' }), 1],
      ['name contains SMITH', filter('all', { field: 'name', op: 'contains', value: 'SMITH' }), 2],
      ['name contains 50% (no wildcard)', filter('all', { field: 'name', op: 'contains', value: '50%' }), 1],
      ['name contains _ (no wildcard)', filter('all', { field: 'name', op: 'contains', value: '_' }), 0],
      ['vip exists', filter('all', { field: 'vip', op: 'exists' }), 2],
      ['vip does not exist', filter('all', { field: 'vip', op: 'not_exists' }), 4],
      ['country != US keeps contacts without a country', filter('all', { field: 'country', op: 'neq', value: 'US' }), 3],
      ['all: US and age >= 30', filter('all', { field: 'country', op: 'eq', value: 'US' }, { field: 'age', op: 'gte', value: '30' }), 1],
      ['any: FR or vip', filter('any', { field: 'country', op: 'eq', value: 'FR' }, { field: 'vip', op: 'exists' }), 2],
      ['phone exists', filter('all', { field: 'phone', op: 'exists' }), 1],
      ['email contains @example', filter('all', { field: 'email', op: 'contains', value: '@EXAMPLE' }), 6],
      ['text order on names', filter('all', { field: 'name', op: 'gt', value: 'Chloé' }), 4],
      ['unknown attribute', filter('all', { field: 'nope', op: 'eq', value: 'x' }), 0],
    ];

    it.each(cases)('counts %s the same in SQL as in matchesFilter', async (_, f, expected) => {
      const count = await contacts.countAudience(spec({ include: [f] }));
      const reachable = people.filter((p) => p.email !== null);
      expect(count.afterInclude).toBe(reachable.filter((p) => matchesFilter(f, p)).length);
      expect(count.afterInclude).toBe(expected);
      expect(count).toMatchObject({ listMembers: 7, reachable: 6 });
    });

    it('applies include (any), exclude (any) and the one-time filter, and counts suppressed recipients', async () => {
      const us = await contacts.createSegment({ name: 'US', filter: filter('all', { field: 'country', op: 'eq', value: 'US' }), createdBy: 'U_TEST' });
      const fr = await contacts.createSegment({ name: 'France', filter: filter('all', { field: 'country', op: 'eq', value: 'FR' }), createdBy: 'U_TEST' });
      const vip = await contacts.createSegment({ name: 'VIP', filter: filter('all', { field: 'vip', op: 'exists' }), createdBy: 'U_TEST' });
      const full = spec({ include: [us.filter, fr.filter], exclude: [vip.filter] });
      // US or FR with an email: s1 s2 s3 s4; minus VIPs s1 s3 -> s2 s4.
      expect(await contacts.countAudience(full)).toEqual({ listMembers: 7, reachable: 6, afterInclude: 4, final: 2, suppressed: 0 });
      const rows = await db.prisma.$queryRaw<{ contact_id: number; recipient: string }[]>(audienceQuery(full));
      expect(rows.map((r) => r.recipient)).toEqual(['s2@example.com', 's4@example.com']);

      await db.prisma.suppression.create({ data: { address: 's2@example.com', reason: 'unsubscribed', source: 'test' } });
      expect((await contacts.countAudience(full)).suppressed).toBe(1);
      const oneTime = filter('all', { field: 'name', op: 'contains', value: 'jones' });
      expect(await contacts.countAudience({ ...full, oneTime })).toEqual({ listMembers: 7, reachable: 6, afterInclude: 4, final: 1, suppressed: 1 });
      // Which of the two racing imports named the list ("Parallel" or "parallel") is up to the race.
      const s2 = await contacts.findContact('s2@example.com');
      expect(s2).toMatchObject({ suppressed: true });
      expect(s2!.lists.map((l) => l.toLowerCase()).sort()).toEqual(['parallel', 'segments']);

      // Excluding on an attribute some contacts lack keeps them (no NULL surprises).
      expect((await contacts.countAudience(spec({ exclude: [us.filter] }))).final).toBe(3);
      // Include and exclude the same rule: nobody is left.
      expect((await contacts.countAudience(spec({ include: [us.filter], exclude: [us.filter] }))).final).toBe(0);
    });

    it('counts the SMS audience by phone and suppression by contact too', async () => {
      const sms = spec({ address: { field: 'phone' } });
      expect(await contacts.countAudience(sms)).toMatchObject({ listMembers: 7, reachable: 2, afterInclude: 2, final: 2 });
      const phoneOnly = await contacts.findContact('+14155550206');
      await db.prisma.suppression.create({ data: { address: 'stop-keyword', contactId: phoneOnly!.id, reason: 'STOP', source: 'test' } });
      // Same rule as the prebuild: the recipient's address or the contact itself. s2 opted out by
      // email only, so its phone is still reachable; the phone-only contact is out by contact id.
      expect((await contacts.countAudience(sms)).suppressed).toBe(1);
      const rows = await db.prisma.$queryRaw<{ recipient: string }[]>(audienceQuery(sms));
      expect(rows.map((r) => r.recipient).sort()).toEqual(['+14155550201', '+14155550206']);
    });

    it('counts as suppressed only the audience, never a suppressed member left out of it', async () => {
      const list = await contacts.createList({ name: 'Outside', description: '', createdBy: 'U_TEST' });
      const person = (email: string | null, phone: string | null, country: string): ContactInput => ({
        line: 0,
        email,
        phone,
        attributes: { country },
        timeZone: null,
      });
      await contacts.upsertIntoList(list.id, [
        person('o-in@example.com', '+14155550301', 'FR'),
        person('o-in-stopped@example.com', null, 'FR'),
        person('o-excluded@example.com', null, 'US'),
        person(null, '+14155550304', 'FR'),
      ]);
      // As production writes them: the suppression row is linked to the contact owning the address.
      const suppressions = new PrismaSuppressionStore(db.prisma, clock);
      for (const address of ['o-in-stopped@example.com', 'o-excluded@example.com', '+14155550304']) {
        await suppressions.add({ address, reason: 'unsubscribe', source: 'test' });
      }
      const us = filter('all', { field: 'country', op: 'eq', value: 'US' });
      const email = spec({ listId: list.id, exclude: [us] });
      // The excluded US contact and the phone-only contact are suppressed but outside the audience.
      expect(await contacts.countAudience(email)).toEqual({ listMembers: 4, reachable: 3, afterInclude: 3, final: 2, suppressed: 1 });
      // By SMS the two email-only suppressed contacts have no address: only the phone-only one counts.
      const sms = spec({ listId: list.id, exclude: [us], address: { field: 'phone' } });
      expect(await contacts.countAudience(sms)).toEqual({ listMembers: 4, reachable: 2, afterInclude: 2, final: 2, suppressed: 1 });
      // The same count as the rows a run would be built from.
      for (const s of [email, sms]) {
        const rows = await db.prisma.$queryRaw<{ recipient: string }[]>(audienceQuery(s));
        expect(rows).toHaveLength((await contacts.countAudience(s)).final);
      }
    });

    it('counts an attribute-addressed audience as the distinct recipients a run is built for', async () => {
      const list = await contacts.createList({ name: 'Push', description: '', createdBy: 'U_TEST' });
      const person = (email: string, token: string | null): ContactInput => ({ line: 0, email, phone: null, attributes: token ? { push_token: token } : {}, timeZone: null });
      // Two contacts share a device token: a run sends to it once.
      await contacts.upsertIntoList(list.id, [person('p1@example.com', 'tok-1'), person('p2@example.com', 'tok-1'), person('p3@example.com', 'tok-3'), person('p4@example.com', null)]);
      await new PrismaSuppressionStore(db.prisma, clock).add({ address: 'tok-3', reason: 'unsubscribe', source: 'test' });
      const push = spec({ listId: list.id, address: { attribute: 'push_token' } });
      const rows = await db.prisma.$queryRaw<{ recipient: string }[]>(audienceQuery(push));
      expect(rows.map((r) => r.recipient).sort()).toEqual(['tok-1', 'tok-3']);
      expect(await contacts.countAudience(push)).toEqual({ listMembers: 4, reachable: 3, afterInclude: 3, final: 2, suppressed: 1 });
    });

    it('stores, finds (any case), lists and soft-deletes segments', async () => {
      expect(await contacts.findSegmentByName('vip')).toMatchObject({ name: 'VIP', filter: { match: 'all', conditions: [{ field: 'vip', op: 'exists' }] } });
      expect(await codeOf(contacts.createSegment({ name: 'vip', filter: filter('all', { field: 'x', op: 'exists' }), createdBy: 'U' }))).toMatch(/^ALREADY_EXISTS/);
      expect(await codeOf(contacts.createSegment({ name: 'Bad', filter: { match: 'all', conditions: [] }, createdBy: 'U' }))).toMatch(/^INVALID_INPUT/);
      const vip = (await contacts.findSegmentByName('VIP'))!;
      await contacts.deleteSegment(vip.id);
      expect(await contacts.getSegment(vip.id)).toMatchObject({ name: `VIP (deleted ${vip.id})`, deletedAt: expect.any(Date) });
      expect(await contacts.findSegmentByName('VIP')).toBeNull();
      expect((await contacts.listSegments()).map((s) => s.name)).toEqual(['France', 'US']);
      expect((await contacts.createSegment({ name: 'VIP', filter: vip.filter, createdBy: 'U' })).id).not.toBe(vip.id);
    });
  });
});
