import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repliesOf, runHerald, tempDir } from '../support/herald-process.js';

const dataDir = tempDir('herald-bad-files-');
const files = tempDir('herald-bad-files-input-');
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(files, { recursive: true, force: true });
});
const file = (name: string, bytes: string | Buffer) => {
  const at = path.join(files, name);
  fs.writeFileSync(at, bytes);
  return at;
};

/**
 * Issue 13, through the real console process on the embedded database: hostile files get a
 * specific answer naming the field, no stack trace on stderr, nothing echoed from the file, and
 * nothing left behind.
 */
describe('console: bad files and oversized values', () => {
  it('refuses NUL and oversized template files, non-UTF-8 and header-only CSVs, files that are not CSV, and names over the shared limit', async () => {
    const long = 'n'.repeat(121);
    const script = [
      `templates create T1 --channel email --html-file ${file('nul.html', '<p>hi\u0000</p>')}`,
      'templates create T2 --channel email --text-file /dev/zero',
      `contacts import ${file('latin1.csv', Buffer.from('email,city\nann@example.com,M\xfcnchen\n', 'latin1'))} --list Latin`,
      `contacts import ${file('header.csv', 'email,city\n')} --list Header`,
      `contacts import ${file('nul.csv', 'email,city\nann@example.com,Paris\nbob@example.com,Mu\u0000nich\n')} --list Nul`,
      'contacts import /proc/self/environ --list Env',
      'contacts import /etc/passwd --list Passwd',
      `templates create ${long} --channel email --text hi`,
      `lists create ${long}`,
      'lists list',
      'templates list',
    ].join('\n');
    const started = Date.now();
    const run = await runHerald(`${script}\n`, { HERALD_DATA_DIR: dataDir, HERALD_ACTOR: 'script', SECRET_FOR_THIS_TEST: 'hunter2-do-not-echo' });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.stderr).not.toMatch(/\n\s+at |Prisma|Something went wrong/);
    expect(run.stdout).not.toMatch(/Something went wrong/);
    const replies = repliesOf(run.stdout).map((r) => r.reply);
    expect(replies[0]).toMatch(/^Invalid input \(--html-file\): ".*nul\.html" holds a NUL byte on line 1 \(byte 5\)/);
    expect(replies[1]).toBe('Invalid input (--text-file): "/dev/zero" is larger than 200 KB, the limit for a text body.');
    expect(replies[2]).toMatch(/^Invalid input \(--encoding\): The file is not UTF-8: line 2 .*--encoding windows-1252\. Nothing was imported\.$/);
    expect(replies[3]).toBe('Invalid input: The file has a header line but no rows: nothing was imported (no list was created or changed).');
    expect(replies[4]).toMatch(/1 new, 0 updated, 1 rejected \(2 rows\)[\s\S]*line 3: column "city" contains a NUL character/);
    expect(replies[5]).toMatch(/^Invalid input: The CSV header/);
    expect(replies[6]).toBe('Invalid input: The CSV header has no email or phone column (found 1 column that does not look like column names: is this a CSV file?). Nothing was imported.');
    expect(run.stdout).not.toContain('hunter2-do-not-echo');
    expect(run.stdout).not.toContain('/bin/bash');
    expect(replies[7]).toMatch(/is 121 characters; at most 120/);
    expect(replies[8]).toMatch(/is 121 characters; at most 120/);
    // Only the list of the import that kept a row exists; no template was stored.
    expect(replies[9]).toMatch(/^Contact lists/);
    for (const name of ['Latin', 'Header', 'Env', 'Passwd']) expect(replies[9]).not.toContain(name);
    expect(replies[9]).toContain('Nul');
    expect(replies[10]).toMatch(/^No templates yet/);
  });
});
