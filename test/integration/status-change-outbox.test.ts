import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCampaignStore } from '../../src/adapters/db/campaign-store.js';
import { PgNotificationOutbox, statusChangeOutbox } from '../../src/adapters/db/notification-outbox-store.js';
import type { Prisma } from '../../src/adapters/db/prisma-client.js';
import { OutboxNotifications } from '../../src/domain/notifications/notification-relay.js';
import type { StatusChangeOutbox } from '../../src/domain/ports/campaign-store.js';
import type { Notification } from '../../src/domain/ports/notifier.js';
import { NO_TIMER } from '../fakes/no-timer.js';
import { createdId, importContacts, ok } from '../support/delivery-fixtures.js';
import { createTestApp, T0, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';


/**
 * A status change's notification is written to the outbox by the campaign store in the change's own
 * transaction: the two commit together, so no crash can keep the change and lose what it tells
 * (an alert about a suspension, a card's refresh), and none can tell of a change that did not happen.
 */
describe.each(ENGINES)('status changes and their notifications commit together on %s', (engine) => {
  let t: TestApp;
  let id: number;
  const outboxRows = async (campaignId: number) =>
    (await t.db.pool.query<{ kind: string; payload: Record<string, unknown> }>(`SELECT kind, payload FROM notification_outbox WHERE (payload ->> 'campaignId')::int = $1 ORDER BY id`, [campaignId])).rows;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await ok(t, 'templates create Welcome --channel email --subject "Hi" --text "Hello" --from-email news@example.com');
    await importContacts(t, 'Crowd', 'email,first_name', ['a@crowd.example.com,A']);
    // A day after the test clock's now, in the account's zone (UTC here).
    const at = new Date(T0.getTime() + 86_400_000).toISOString().slice(0, 16).replace('T', ' ');
    id = createdId(await ok(t, 'new --name "Promo" --channel email --template Welcome --list Crowd'));
    await ok(t, `schedule C-${id} --at "${at}"`);
  });
  afterAll(() => t?.close());

  it('a change made through the app is written once (by its transaction, not again by the bus) and still told to the process', async () => {
    const heard: Notification[] = [];
    t.app.notifications.subscribe((n) => void heard.push(n));
    const before = (await outboxRows(id)).length;
    await ok(t, `pause C-${id} --reason "legal review"`);
    // Every write of the bus has finished: it did not write the change's notification a second time.
    await t.app.notifications.settled();
    const rows = (await outboxRows(id)).slice(before);
    expect(rows.map((r) => [r.kind, r.payload.transition, r.payload.to])).toEqual([['campaign.status_changed', 'pause', 'paused']]);
    expect(rows[0]!.payload).toMatchObject({ campaignId: id, campaignName: 'Promo', from: 'scheduled', reason: 'legal review' });
    expect(heard.filter((n) => n.kind === 'campaign.status_changed').map((n) => (n as { transition: string }).transition)).toEqual(['pause']);
  });

  it('the store writes the row with no bus at all: a process that dies right after the commit loses nothing, and a relay hands it on', async () => {
    // The campaign store alone, as in a process killed before its bus ran.
    const store = new PrismaCampaignStore(t.db.prisma, t.clock, statusChangeOutbox);
    const relaying = new OutboxNotifications({ outbox: new PgNotificationOutbox(t.db.pool), clock: t.clock, log: () => {}, timer: NO_TIMER });
    const relay = relaying.relay({ consumer: 'after-crash', timer: NO_TIMER, listen: false });
    const seen: Notification[] = [];
    relay.subscribe((n) => void seen.push(n));
    relay.start();
    await relay.settled();
    const moved = await store.transition(id, { name: 'resume' }, 'scheduled', { resumeTo: null, statusReason: null }, { actor: 'bob' });
    expect(moved).toMatchObject({ outcome: 'moved', from: 'paused', notification: { kind: 'campaign.status_changed', transition: 'resume', to: 'scheduled', actor: 'bob' } });
    await relay.settled();
    expect(seen).toEqual([moved.outcome === 'moved' ? moved.notification : null]);
    await relay.stop();
  });

  it('a change whose transaction fails after the append leaves neither the change nor its row', async () => {
    const before = await outboxRows(id);
    const failing: StatusChangeOutbox<Prisma.TransactionClient> = {
      async append(tx, change) {
        await statusChangeOutbox.append(tx, change);
        throw new Error('the connection was cut before the commit');
      },
    };
    const store = new PrismaCampaignStore(t.db.prisma, t.clock, failing);
    await expect(store.transition(id, { name: 'pause' }, 'paused', { resumeTo: 'scheduled', statusReason: 'x' }, { actor: 'bob' })).rejects.toThrow(/cut before the commit/);
    expect((await t.app.deps.campaigns.get(id))!.status).toBe('scheduled');
    expect(await outboxRows(id)).toEqual(before);
  });

  it('a repeated or refused change writes nothing', async () => {
    const before = await outboxRows(id);
    const store = new PrismaCampaignStore(t.db.prisma, t.clock, statusChangeOutbox);
    // Resumed by bob already: the same request again is a repeat; anyone else's resume is refused (not paused).
    expect((await store.transition(id, { name: 'resume' }, 'scheduled', {}, { actor: 'bob' })).outcome).toBe('repeat');
    expect((await store.transition(id, { name: 'resume' }, 'scheduled', {}, { actor: 'carol' })).outcome).toBe('refused');
    expect(await outboxRows(id)).toEqual(before);
  });
});
