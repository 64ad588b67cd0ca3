import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactsCsvFormat } from '../../src/adapters/csv/contacts-csv-format.js';
import { MAX_RECORD_CHARS, readContactsCsv } from '../../src/adapters/csv/read-contacts-csv.js';
import { createContactStore } from '../../src/adapters/db/contact-store.js';
import { importContacts, type ContactSourceRow, type ImportReport } from '../../src/domain/contacts/import-contacts.js';
import { importContactsFile } from '../../src/domain/contacts/import-contacts-file.js';
import { AppError } from '../../src/domain/errors.js';
import type { ContactStore } from '../../src/domain/ports/contact-store.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/test-database.js';

/** Issue 13: an import says what is true, keeps the good rows, and leaves nothing behind when it cannot finish. */
describe.each(ENGINES)('contacts import tells the truth on %s', (engine) => {
  let db: TestDatabase;
  let contacts: ContactStore;
  let dir: string;
  const clock = new FixedClock(new Date('2026-11-22T10:00:00.000Z'));
  const file = (name: string, bytes: string | Buffer) => {
    const at = path.join(dir, name);
    fs.writeFileSync(at, bytes);
    return at;
  };
  const importPath = (at: string, listName: string, encoding?: string): Promise<ImportReport> =>
    importContacts({ rows: readContactsCsv(at, { encoding }), listName, actor: 'U_TEST' }, { contacts });
  async function failure(promise: Promise<unknown>): Promise<AppError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected an AppError');
  }

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    contacts = createContactStore(db.prisma, clock);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-import-'));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('refuses a Latin-1 file before anything is written, naming the line and the way out; --encoding reads it as declared', async () => {
    // 20,000 good rows first: the bad byte is far past the first batch.
    const rows = Array.from({ length: 20_000 }, (_, i) => `user${i}@latin.example,Berlin`).join('\n');
    const latin1 = file('latin1.csv', Buffer.concat([Buffer.from(`email,city\n${rows}\n`), Buffer.from('ann@latin.example,M\xfcnchen\n', 'latin1')]));
    const refused = await failure(importPath(latin1, 'Latin'));
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toMatch(/^The file is not UTF-8: line 20002 has the byte 0xFC .*--encoding windows-1252\. Nothing was imported\.$/);
    expect(await contacts.findListByName('Latin')).toBeNull();
    expect(await contacts.findContact('user0@latin.example')).toBeNull();

    const report = await importPath(latin1, 'Latin', 'windows-1252');
    expect(report).toMatchObject({ inserted: 20_001, rejectedCount: 0, totalRows: 20_001 });
    expect((await contacts.findContact('ann@latin.example'))?.attributes).toEqual({ city: 'München' });
  });

  it('rejects a row with a NUL cell, naming line and column, and keeps the rows around it', async () => {
    const at = file('nul.csv', 'email,city\nnul1@example.com,Paris\nnul2@example.com,Mu\u0000nich\nnul3@example.com,Rome\n');
    const report = await importPath(at, 'Nul');
    expect(report).toMatchObject({ createdList: true, inserted: 2, rejectedCount: 1, totalRows: 3 });
    expect(report.rejected).toEqual([{ line: 3, reason: 'column "city" contains a NUL character (U+0000) at character 3' }]);
    expect((await contacts.findListByName('Nul'))?.memberCount).toBe(2);
  });

  it('says a header-only file has no rows and creates no list', async () => {
    const refused = await failure(importPath(file('header.csv', 'email,city\n\n,\n'), 'Header only'));
    expect(refused.message).toBe('The file has a header line but no rows: nothing was imported (no list was created or changed).');
    expect(await contacts.findListByName('Header only')).toBeNull();
  });

  it('reads on after a row that is too long, and after a quote never closed, counting each row once', async () => {
    const long = 'x'.repeat(MAX_RECORD_CHARS + 10);
    const at = file('long.csv', `email,note\nlong1@example.com,a\nlong2@example.com,${long}\nlong3@example.com,"two\r\nlines"\r\nlong4@example.com,"open\nlong5@example.com,b\r\nlong6@example.com,c,extra\n`);
    const report = await importPath(at, 'Long');
    expect(report.rejected).toEqual([
      { line: 3, reason: `the row is longer than ${MAX_RECORD_CHARS} characters (a quote that is never closed?); this line was not read; reading went on at the next line` },
      { line: 6, reason: 'a quote opened in column "note" is never closed; this line was not read; reading went on at the next line' },
      // Line 8, after a CRLF inside quotes on lines 4-5 (csv-parse's own counter says 9).
      { line: 8, reason: 'expected 2 columns, got 3' },
    ]);
    expect(report).toMatchObject({ inserted: 3, rejectedCount: 3, totalRows: 6 });
    expect((await contacts.findContact('long3@example.com'))?.attributes).toEqual({ note: 'two\r\nlines' });
    // The line after the broken quote is read, not swallowed.
    expect((await contacts.findContact('long5@example.com'))?.attributes).toEqual({ note: 'b' });
  });

  it('stores formula-like cells as given, lists them, and writes them spreadsheet-safe in the rejected-rows file, which imports back as they were', async () => {
    const text = 'email,name,phone\nf1@example.com,=HYPERLINK("http://evil.example"),\nf2@example.com,@SUM(1),\nf3@example.com,-12.5,\nbad@,=1+1,+1 415 555 0100\n';
    const bytes = { open: () => Readable.from([Buffer.from(text)]) };
    const { report, rejectedRows } = await importContactsFile({ file: bytes, listName: 'Formulas', actor: 'U_TEST' }, { contacts, contactsFiles: contactsCsvFormat });
    expect(report.formulaCells).toEqual([
      { line: 2, reason: 'column "name" starts with "="' },
      { line: 3, reason: 'column "name" starts with "@"' },
    ]);
    expect((await contacts.findContact('f1@example.com'))?.attributes).toEqual({ name: '=HYPERLINK("http://evil.example")' });
    const written = parse(rejectedRows!.content) as string[][];
    expect(written[1]).toEqual(['5', 'invalid email "bad@"', 'bad@', "'=1+1", "'+1 415 555 0100"]);
    const back: ContactSourceRow[] = [];
    for await (const row of contactsCsvFormat.read(Readable.from([Buffer.from(rejectedRows!.content)]))) back.push(row);
    expect(back[0]).toMatchObject({ record: { email: 'bad@', name: '=1+1', phone: '+1 415 555 0100' } });
  });

  it('an import that stops part-way leaves nothing behind, the list it created included, and says so', async () => {
    async function* rows(): AsyncGenerator<ContactSourceRow> {
      // Past the first batches, which were written inside the import's transaction.
      for (let i = 0; i < 2_500; i++) yield { line: i + 2, record: { email: `part${i}@example.com` } };
      throw new Error('disk went away');
    }
    const stopped = await failure(importContacts({ rows: rows(), listName: 'Partial', actor: 'U_TEST' }, { contacts }));
    expect(stopped).toMatchObject({
      code: 'INCOMPLETE',
      message: 'The import stopped at line 2501 (an unexpected error): nothing was imported, and no list was created or changed. Fix the cause and import the file again.',
    });
    expect((stopped as Error).cause).toMatchObject({ message: 'disk went away' });
    expect(await contacts.findListByName('Partial')).toBeNull();
    expect(await db.prisma.contactList.count({ where: { name: { startsWith: 'Partial' } } })).toBe(0);
    expect(await contacts.findContact('part0@example.com')).toBeNull();
  });

  it('an import into an existing list that stops part-way changes none of its contacts', async () => {
    await importPath(file('base.csv', 'email,plan\nkeep1@example.com,free\n'), 'Existing');
    async function* rows(): AsyncGenerator<ContactSourceRow> {
      yield { line: 2, record: { email: 'keep1@example.com', plan: 'gold' } };
      for (let i = 0; i < 1_200; i++) yield { line: i + 3, record: { email: `more${i}@example.com` } };
      throw new Error('disk went away');
    }
    await failure(importContacts({ rows: rows(), listName: 'Existing', actor: 'U_TEST' }, { contacts }));
    expect((await contacts.findContact('keep1@example.com'))?.attributes).toEqual({ plan: 'free' });
    expect((await contacts.findListByName('Existing'))?.memberCount).toBe(1);
  });

  it('never echoes a file that is not a CSV: a password file, a process environment', async () => {
    const passwd = await failure(importPath(file('passwd', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\n'), 'Never'));
    expect(passwd.message).toBe('The CSV header has no email or phone column (found 1 column that does not look like column names: is this a CSV file?). Nothing was imported.');
    const environ = await failure(importPath(file('environ', 'SECRET_TOKEN=hunter2\u0000PATH=/usr/bin\u0000'), 'Never'));
    expect(environ.message).not.toContain('hunter2');
    expect(environ.message).toMatch(/^The CSV header \(the file's first line\) contains a NUL character \(U\+0000\) at character 21 of column 1: a CSV file is text/);
    expect(await contacts.findListByName('Never')).toBeNull();
  });
});
