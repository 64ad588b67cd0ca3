import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles, SRC } from '../support/source-files.js';
import { isSuppressed } from '../../src/adapters/db/suppression-sql.js';

describe('isSuppressed: the one suppression predicate', () => {
  it('is the only code that tests the suppression table (a second spelling once counted contacts outside the audience)', () => {
    const own = path.join(SRC, 'adapters', 'db', 'suppression-sql.ts');
    const offenders = sourceFiles(SRC)
      .filter((f) => f !== own)
      .filter((f) => /\bFROM\s+suppression\b|\bJOIN\s+suppression\b|\.suppression\.(count|findFirst|findMany|aggregate|groupBy)\(/i.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('is one parenthesised condition over the given columns, and takes nothing but alias.column', () => {
    const sql = isSuppressed({ recipient: 'a.recipient', contactId: 'a.contact_id' }).sql.replace(/\s+/g, ' ');
    expect(sql).toBe(
      '(EXISTS (SELECT 1 FROM suppression sup WHERE sup.address = a.recipient) OR EXISTS (SELECT 1 FROM suppression sup WHERE sup.contact_id = a.contact_id))',
    );
    for (const bad of ['recipient', 'a.recipient OR TRUE', 'a.recipient; DROP TABLE x', 'A.Recipient', '']) {
      expect(() => isSuppressed({ recipient: bad, contactId: 'a.contact_id' })).toThrow(/alias\.column/);
      expect(() => isSuppressed({ recipient: 'a.recipient', contactId: bad })).toThrow(/alias\.column/);
    }
  });
});
