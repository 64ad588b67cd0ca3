import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactStore } from '../../src/adapters/db/contact-store.js';
import { findUnstorable } from '../../src/adapters/db/storage-guard.js';
import { Prisma } from '../../src/adapters/db/prisma-client.js';
import { AppError } from '../../src/domain/errors.js';
import type { ContactStore } from '../../src/domain/ports/contact-store.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/test-database.js';

/** What a rejected promise was, to compare its code, message and details. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('findUnstorable', () => {
  it('names the field of a NUL or lone surrogate in model arguments, JSON values and raw query values', () => {
    expect(findUnstorable({ data: { name: 'ok', description: 'a\u0000b' } })).toEqual({ field: 'description', text: 'a\u0000b' });
    expect(findUnstorable({ where: { name: { equals: 'x\ud800' } } })).toMatchObject({ field: 'name' });
    expect(findUnstorable({ data: { oneTimeFilter: { conditions: [{ field: 'plan', value: '\u0000' }] } } })).toMatchObject({ field: 'value' });
    expect(findUnstorable(Prisma.sql`SELECT ${'a\u0000'}`)).toMatchObject({ field: 'a value' });
    expect(findUnstorable({ data: { name: 'Zoë 日本 😀', when: new Date(0), tags: ['a', 'b'], n: 1 } })).toBeNull();
  });
});

describe.each(ENGINES)('the storage guard on %s (values that bypass the grammar)', (engine) => {
  let db: TestDatabase;
  let contacts: ContactStore;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    contacts = createContactStore(db.prisma, new FixedClock(new Date('2026-11-22T10:00:00Z')));
  });
  afterAll(async () => db?.drop());

  it('refuses a NUL as INVALID_INPUT naming the field of a model write, and writes nothing', async () => {
    const error = await failure(db.prisma.contactList.create({ data: { name: 'VIP\u0000', createdBy: 'U1' } }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('Name contains a NUL character (U+0000) at character 4; remove it. Nothing was saved.');
    expect(error.details.field).toBe('name');
    expect(await db.prisma.contactList.count()).toBe(0);
  });

  it('refuses a lone surrogate instead of storing U+FFFD in its place, in raw SQL as well (where no field name is known)', async () => {
    const model = await failure(db.prisma.contactList.create({ data: { name: 'VIP', description: 'half \udc00', createdBy: 'U1' } }));
    expect(model.message).toMatch(/^Description contains half of a character \(lone surrogate U\+DC00/);
    const raw = await failure(contacts.createList({ name: 'VIP', description: 'half \udc00', createdBy: 'U1' }));
    expect(raw.message).toMatch(/^The list description contains half of a character \(lone surrogate U\+DC00;.* at character 6;/);
    expect(await db.prisma.contactList.count()).toBe(0);
  });

  it('guards raw queries and lookups too', async () => {
    expect((await failure(db.prisma.$queryRaw`SELECT ${'a\u0000b'}::text AS x`)).message).toMatch(/^A value contains a NUL/);
    expect((await failure(contacts.findListByName('\u0000'))).code).toBe('INVALID_INPUT');
  });

  it('turns "cannot be stored" errors of PostgreSQL into INVALID_INPUT: a number out of range, a value too long for its index', async () => {
    const outOfRange = await failure(db.prisma.campaign.findMany({ where: { id: 4_294_967_296 } }));
    expect(outOfRange.message).toMatch(/^A number is out of the range the database stores/);
    // Incompressible, so PostgreSQL cannot squeeze it under the B-tree's 2,704-byte limit.
    let state = 7;
    const noise = Array.from({ length: 20_000 }, () => String.fromCharCode(33 + ((state = (state * 48_271) % 2_147_483_647) % 90))).join('');
    const tooLong = await failure(db.prisma.template.create({ data: { name: noise, channel: 'sms', createdBy: 'U1' } }));
    expect(tooLong.code).toBe('INVALID_INPUT');
    expect(tooLong.message).toMatch(/^A value is too long to be stored.*; shorten it\. Nothing was saved\.$/);
    expect(await db.prisma.template.count()).toBe(0);
  });

  it('lets ordinary values through, in transactions as well', async () => {
    const list = await contacts.createList({ name: 'Zoë 日本 😀', description: 'tab\tand\nlines', createdBy: 'U1' });
    expect(list.name).toBe('Zoë 日本 😀');
    const [count] = await db.prisma.$transaction([db.prisma.contactList.count()]);
    expect(count).toBe(1);
    await db.prisma.$transaction(async (tx) => {
      expect(await tx.contactList.count()).toBe(1);
      await expect(tx.contactList.create({ data: { name: '\u0000', createdBy: 'U1' } })).rejects.toBeInstanceOf(AppError);
    });
    expect(await db.prisma.contactList.count()).toBe(1);
  });
});
