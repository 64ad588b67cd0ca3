import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Issue 13 as reported: lines that answered "Something went wrong" with a Prisma stack on stderr. */
describe('hostile values through the console (issue 13, points 1 and 5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('embedded');
  });
  afterAll(async () => t?.close());

  const refused = async (line: string): Promise<string> => {
    const reply = await t.run(line);
    expect(reply.ok, reply.text).toBe(false);
    expect(reply.text).not.toMatch(/Something went wrong|Prisma|\n\s+at /);
    return reply.text;
  };

  it('a NUL or a lone surrogate in a name is refused with the argument named, and nothing is written', async () => {
    expect(await refused('segments show "\0"')).toMatch(/^<NAME> contains a NUL character \(U\+0000\) at character 1; remove it/);
    expect(await refused('lists create "VIP\0"')).toMatch(/^<NAME> contains a NUL character/);
    expect(await refused('lists create "VIP\ud800"')).toMatch(/^<NAME> contains half of a character/);
    expect(await refused('new --name "Spring\0" --channel email')).toMatch(/^--name contains a NUL character/);
    expect((await t.run('lists')).text).not.toContain('VIP');
    expect(await t.db.prisma.campaign.count()).toBe(0);
  });

  it('numbers out of range are refused by the grammar with the range', async () => {
    expect(await refused('calendar --days 4294967296')).toMatch(/^--days must be a whole number from 1 to 366 \(got "4294967296", which is too large\)/);
    expect(await refused('activity C-1 --limit 99999999999')).toMatch(/^--limit must be a whole number from 1 to 1,000/);
    expect(await refused('edit C-1 --name x --if-version 4294967296')).toMatch(/^--if-version must be a whole number from 1 to 2,147,483,647/);
    expect(await refused('show C-4294967296')).toMatch(/^<id> must be an id from 1 to 2,147,483,647/);
  });

  // Template names share the names' limit (issue 13, point 2), so the limit's own sentence answers before the
  // storage guard would (a value too long for its index).
  it('a value too long for its index is refused, not answered as an internal error', async () => {
    let state = 7;
    const noise = Array.from({ length: 20_000 }, () => String.fromCharCode(35 + ((state = (state * 48_271) % 2_147_483_647) % 57))).join('').replace(/'/g, 'x');
    expect(await refused(`templates create '${noise}' --channel sms --text hi`)).toMatch(/^<NAME> is 20000 characters; at most 120\b/);
    expect(await t.db.prisma.template.count()).toBe(0);
  });
});
