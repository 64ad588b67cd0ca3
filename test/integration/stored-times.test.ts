import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSegmentFilter } from '../../src/domain/contacts/segment-filter.js';
import { ENGINES } from '../support/test-database.js';
import { createTestApp, T0, type TestApp } from '../support/test-app.js';

/**
 * Every creation and update time Herald shows or compares is the injected clock's (STYLE.md habit 7),
 * never the database server's `now()` nor Prisma's client-side `@default(now())`/`@updatedAt` (the
 * process's wall clock). The test clock is days away from the machine's, and each step moves it by an
 * odd amount with milliseconds, so any time taken from another clock shows.
 */
describe.each(ENGINES)('times written by the stores on %s', (engine) => {
  let t: TestApp;
  const at = (ms: number) => new Date(T0.getTime() + ms);
  const minute = (d: Date) => DateTime.fromJSDate(d, { zone: 'UTC' }).toFormat('yyyy-LL-dd HH:mm');
  const second = (d: Date) => DateTime.fromJSDate(d, { zone: 'UTC' }).toFormat('yyyy-LL-dd HH:mm:ss');

  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('lists, contacts, list members, segments and suppressions read back with the clock time', async () => {
    const created = at(3_723_456); // 11:02:03.456
    t.clock.set(created);
    const list = await t.app.deps.contacts.createList({ name: 'Timed', description: '', createdBy: 'test' });
    expect(list.createdAt).toEqual(created);
    await t.app.deps.contacts.upsertIntoList(list.id, [{ line: 2, email: 'timed@example.com', phone: null, attributes: {}, timeZone: null }]);
    const segment = await t.app.deps.contacts.createSegment({ name: 'Timed VIP', filter: parseSegmentFilter({ match: 'all', conditions: [{ field: 'vip', op: 'exists' }] }), createdBy: 'test' });
    expect(segment.createdAt).toEqual(created);
    expect((await t.app.deps.contacts.getSegment(segment.id))?.createdAt).toEqual(created);
    await t.app.stores.suppressions.add({ address: 'Timed@Example.com', reason: 'manual', source: 'test' });
    expect((await t.app.stores.suppressions.find('timed@example.com'))?.createdAt).toEqual(created);
    const [row] = await t.db.prisma.$queryRaw<{ created: Date; updated: Date; added: Date }[]>`
      SELECT c.created_at AS created, c.updated_at AS updated, m.added_at AS added
      FROM contact c JOIN list_member m ON m.contact_id = c.id WHERE c.email = 'timed@example.com'`;
    expect(row).toEqual({ created, updated: created, added: created });

    // An import that updates the contact stamps it with the clock's new time; its creation stays.
    const updated = at(7_384_567);
    t.clock.set(updated);
    await t.app.deps.contacts.upsertIntoList(list.id, [{ line: 2, email: 'timed@example.com', phone: null, attributes: { vip: 'yes' }, timeZone: null }]);
    const [again] = await t.db.prisma.$queryRaw<{ created: Date; updated: Date }[]>`
      SELECT created_at AS created, updated_at AS updated FROM contact WHERE email = 'timed@example.com'`;
    expect(again).toEqual({ created, updated });

    await t.app.deps.contacts.deleteSegment(segment.id);
    expect((await t.app.deps.contacts.getSegment(segment.id))?.deletedAt).toEqual(updated);
  });

  it('templates and their versions read back with the clock time', async () => {
    const created = at(4_000_789);
    t.clock.set(created);
    const r = await t.run('/campaign templates create Timed --channel email --subject "Hi" --text "Hello there" --from-email news@example.com --from-name "Shop"');
    expect(r.ok, r.text).toBe(true);
    const template = (await t.app.deps.templates.findByName('Timed'))!;
    expect(template).toMatchObject({ createdAt: created, updatedAt: created });

    const edited = at(5_000_321);
    t.clock.set(edited);
    await t.app.deps.templates.update(template.id, { content: { subject: 'Hi again', html: null, text: 'Hello again' }, actor: 'test' });
    expect(await t.app.deps.templates.get(template.id)).toMatchObject({ createdAt: created, updatedAt: edited, currentVersion: 2 });
    const versions = await t.db.prisma.$queryRaw<{ version: number; created: Date }[]>`
      SELECT version, created_at AS created FROM template_version WHERE template_id = ${template.id} ORDER BY version`;
    expect(versions).toEqual([
      { version: 1, created },
      { version: 2, created: edited },
    ]);
  });

  it('a campaign created, scheduled and paused shows the clock times as Created and in its activity', async () => {
    const list = await t.app.deps.contacts.createList({ name: 'Timed campaign list', description: '', createdBy: 'test' });
    await t.app.deps.contacts.upsertIntoList(list.id, [{ line: 2, email: 'reader@example.com', phone: null, attributes: {}, timeZone: null }]);
    const created = at(6_000_111);
    t.clock.set(created);
    const made = await t.run('/campaign new --name "Timed sale" --channel email --template Timed --list "Timed campaign list"');
    expect(made.ok, made.text).toBe(true);
    const id = Number(/C-(\d+)/.exec(made.text)![1]);
    expect(made.text).toMatch(new RegExp(`Created:\\s+${minute(created)} UTC by alice`));

    const scheduled = at(6_000_111 + 61_234);
    t.clock.set(scheduled);
    const sendAt = DateTime.fromJSDate(at(7 * 86_400_000), { zone: 'UTC' }).toFormat('yyyy-LL-dd HH:mm');
    expect((await t.run(`/campaign schedule C-${id} --at "${sendAt}" --tz UTC`)).text).toMatch(/Status:\s+scheduled/);
    const paused = at(6_000_111 + 2 * 61_234);
    t.clock.set(paused);
    expect((await t.run(`/campaign pause C-${id} --reason "legal review"`)).text).toMatch(/Status:\s+paused/);

    const campaign = (await t.app.deps.campaigns.get(id))!;
    expect(campaign).toMatchObject({ createdAt: created, updatedAt: paused });
    const entries = await t.app.deps.campaigns.activity(id, 50);
    expect(entries.map((e) => [e.action, e.createdAt])).toEqual([
      [expect.any(String), created],
      ['schedule', scheduled],
      ['pause', paused],
    ]);
    const shown = await t.run(`/campaign show C-${id}`);
    expect(shown.text).toMatch(new RegExp(`Created:\\s+${minute(created)} UTC by alice`));
    const log = (await t.run(`/campaign activity C-${id}`)).text;
    for (const when of [created, scheduled, paused]) expect(log).toContain(second(when));
  });

  it('a run build stamps its run and message rows with the clock time', async () => {
    const list = await t.app.deps.contacts.createList({ name: 'Timed run list', description: '', createdBy: 'test' });
    await t.app.deps.contacts.upsertIntoList(list.id, [
      { line: 2, email: 'run1@example.com', phone: null, attributes: {}, timeZone: null },
      { line: 3, email: 'run2@example.com', phone: null, attributes: {}, timeZone: null },
    ]);
    const made = await t.run('/campaign new --name "Timed run" --channel email --template Timed --list "Timed run list"');
    const id = Number(/C-(\d+)/.exec(made.text)![1]);
    const queued = at(8_000_222);
    t.clock.set(queued);
    const run = await t.run(`/campaign run C-${id}`);
    expect(run.ok, run.text).toBe(true);
    const runs = await t.db.prisma.$queryRaw<{ queued: Date }[]>`SELECT queued_at AS queued FROM run WHERE campaign_id = ${id}`;
    expect(runs).toEqual([{ queued }]);
    const messages = await t.db.prisma.$queryRaw<{ created: Date; updated: Date }[]>`
      SELECT created_at AS created, updated_at AS updated FROM message WHERE campaign_id = ${id} ORDER BY id`;
    expect(messages).toEqual([
      { created: queued, updated: queued },
      { created: queued, updated: queued },
    ]);
  });
});
