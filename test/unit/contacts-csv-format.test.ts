import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { contactsCsvFormat, rejectedRowsCsv } from '../../src/adapters/csv/contacts-csv-format.js';
import { csvLine } from '../../src/adapters/csv/csv-line.js';
import { MAX_RECORD_CHARS, MAX_UNREADABLE_RECORDS } from '../../src/adapters/csv/read-contacts-csv.js';
import type { ContactSourceRow } from '../../src/domain/contacts/import-contacts.js';

const fixture = (name: string) => new URL(`../fixtures/contacts/${name}`, import.meta.url).pathname;

async function* bytesOf(text: string, chunk = 7): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
}

describe('the contacts CSV format', () => {
  it('reads rows from bytes split anywhere (inside a multi-byte character too), numbered by line', async () => {
    const rows: ContactSourceRow[] = [];
    for await (const row of contactsCsvFormat.read(bytesOf('email,first_name\nzoë@example.com,Zoë\n\nbad,"multi\nline"\n', 3))) rows.push(row);
    expect(rows).toEqual([
      { line: 2, record: { email: 'zoë@example.com', first_name: 'Zoë' } },
      { line: 4, record: { email: 'bad', first_name: 'multi\nline' } },
    ]);
  });

  it('reads on after rows it cannot read, up to a bound, then names the lines it did not read', async () => {
    const long = `x@example.com,${'x'.repeat(MAX_RECORD_CHARS + 1)}\n`;
    const text = `email,note\nfirst@example.com,a\n${long.repeat(MAX_UNREADABLE_RECORDS + 1)}after@example.com,b\nlast@example.com,c\n`;
    const rows: ContactSourceRow[] = [];
    for await (const row of contactsCsvFormat.read(bytesOf(text, 65_536))) rows.push(row);
    expect(rows[0]).toEqual({ line: 2, record: { email: 'first@example.com', note: 'a' } });
    expect(rows.slice(1, -1)).toHaveLength(MAX_UNREADABLE_RECORDS);
    expect(rows[MAX_UNREADABLE_RECORDS]).toMatchObject({ line: MAX_UNREADABLE_RECORDS + 2, error: expect.stringContaining('longer than') });
    const lastLine = 2 + MAX_UNREADABLE_RECORDS + 1 + 2;
    expect(rows.at(-1)).toEqual({
      line: MAX_UNREADABLE_RECORDS + 3,
      error: `lines ${MAX_UNREADABLE_RECORDS + 3} to ${lastLine} were not read: after ${MAX_UNREADABLE_RECORDS} rows that could not be read (broken quotes?), reading stopped; fix them and import the file again`,
    });
  });

  it('writes the rejected rows as they were in the file, with line and reason first, under the file header', async () => {
    const problems = [
      { line: 3, reason: 'invalid email "bob@"' },
      { line: 5, reason: 'expected 5 columns, got 4' },
      { line: 6, reason: 'expected 5 columns, got 6' },
      { line: 8, reason: 'no email, "really"' },
      { line: 13, reason: 'a quote opened in column "first_name" is never closed; reading stopped here' },
    ];
    const file = await rejectedRowsCsv(fixture('mixed.csv'), problems);
    expect(file.rows).toBe(5);
    const back = parse(file.content, { relax_column_count: true }) as string[][];
    expect(back).toEqual([
      ['rejected_line', 'rejected_reason', 'email', 'phone', 'First_Name', 'Country', 'Age'],
      ['3', 'invalid email "bob@"', 'bob@', '+14155550102', 'Bob', 'US', '29'],
      // A value a spreadsheet would run as a formula is written behind an apostrophe.
      ['5', 'expected 5 columns, got 4', 'dave@example.com', "'+44 20 7946 0958", 'Dave', 'GB'],
      ['6', 'expected 5 columns, got 6', 'erin@example.com', '', 'Erin', 'DE', '52', 'extra'],
      ['8', 'no email, "really"', 'frank@example.com', '', 'Frank\nJr', 'US', 'n/a'],
      ['13', 'a quote opened in column "first_name" is never closed; reading stopped here'],
    ]);
  });

  it('quotes only what CSV needs and keeps every other character as it was, formulas behind an apostrophe', () => {
    expect(csvLine(['a', 'b c', '=1+1', 'x,y', 'say "hi"', 'two\nlines', ''])).toBe(`a,b c,'=1+1,"x,y","say ""hi""","two\nlines",\r\n`);
    expect(csvLine(['@SUM(A1)', '+1+2', '-2+3', '\t=1', '\r=1', '-12.5', '+33', "'already"])).toBe(`'@SUM(A1),'+1+2,'-2+3,'\t=1,"'\r=1",-12.5,+33,'already\r\n`);
    const tricky = ['", \r\n', ' lead', 'é€😀', '"'];
    expect(parse(csvLine(tricky))).toEqual([tricky]);
  });

  it('reads the same lines as the importer from the bytes of a file with a BOM and CRLF endings', async () => {
    const text = fs.readFileSync(fixture('bom-crlf.csv'), 'utf8');
    const lines: number[] = [];
    for await (const row of contactsCsvFormat.read(bytesOf(text))) lines.push(row.line);
    const file = await contactsCsvFormat.rejectedRows(bytesOf(text), lines.map((line) => ({ line, reason: 'x' })));
    expect(parse(file.content, { relax_column_count: true, bom: true }).slice(1).map((r: string[]) => Number(r[0]))).toEqual(lines);
  });
});
