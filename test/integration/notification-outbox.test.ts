import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgNotificationOutbox } from '../../src/adapters/db/notification-outbox-store.js';
import { OutboxNotifications, RELAY_MAX_AGE_MS, type RelayTimer } from '../../src/domain/notifications/notification-relay.js';
import type { Notification } from '../../src/domain/ports/notifier.js';
import { FixedClock } from '../fakes/fixed-clock.js';
// The relays here look only when asked (poll, settled): no timer fires by itself, and (but in the
// tests of listening) they do not listen.
import { NO_TIMER } from '../fakes/no-timer.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/test-database.js';

const T0 = new Date('2026-11-22T10:00:00Z');

describe.each(ENGINES)('the notification outbox and its relay on %s', (engine) => {
  let db: TestDatabase;
  /** A second process's connections to the same database. */
  let other: pg.Pool;
  let n = 0;
  const clock = new FixedClock(T0);
  const logged: { event: string; fields: Record<string, unknown> }[] = [];
  const log = (event: string, fields: Record<string, unknown>) => void logged.push({ event, fields });

  /** One Herald process's outbox side: its own pool, clock and log. */
  const processOn = (pool: pg.Pool) => new OutboxNotifications({ outbox: new PgNotificationOutbox(pool), clock, log, timer: NO_TIMER });
  const approval = (over: Partial<Extract<Notification, { kind: 'approval.requested' }>> = {}): Notification => ({
    kind: 'approval.requested', approvalId: ++n, campaignId: 7, campaignName: 'Promo "x" ✓', requestedBy: 'UMARK', reason: null,
    expiresAt: new Date(clock.now().getTime() + 3_600_000), at: clock.now(), ...over,
  });
  const ids = (seen: Notification[]) => seen.map((s) => (s as { approvalId: number }).approvalId);

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    other = new pg.Pool({ connectionString: db.url, max: 4 });
    // As Herald's own pool does (prisma-client.ts): an idle connection the server ends is replaced.
    other.on('error', () => {});
  });
  afterAll(async () => {
    await other?.end();
    await db?.drop();
  });

  it('a relay hands on every notification after its start, in order, with its dates as dates; a first start replays no history', async () => {
    const here = processOn(db.pool);
    // Written before any relay existed: history, never posted.
    await here.write(approval());
    await here.write(approval());
    const relay = here.relay({ consumer: 'first-start', timer: NO_TIMER, listen: false });
    const seen: Notification[] = [];
    relay.subscribe((x) => void seen.push(x));
    relay.start();
    const written = [approval(), approval({ reason: 'wrong list' }), approval()];
    for (const x of written) await here.write(x);
    await relay.settled();
    expect(seen).toEqual(written);
    expect(seen[0]!.at).toBeInstanceOf(Date);
    expect((seen[1] as { expiresAt: Date }).expiresAt.getTime()).toBe((written[1] as { expiresAt: Date }).expiresAt.getTime());
    // The cursor is stored: a new relay of the same consumer (a restart) goes on after it.
    await relay.stop();
    await here.write(approval());
    const again = here.relay({ consumer: 'first-start', timer: NO_TIMER, listen: false });
    const later: Notification[] = [];
    again.subscribe((x) => void later.push(x));
    again.start();
    await again.settled();
    expect(ids(later)).toEqual([n]);
    await again.stop();
  });

  it('a digest.ready (a console\'s digest) is not written: only its own process hears it', async () => {
    const here = processOn(db.pool);
    const relay = here.relay({ consumer: 'local-only', timer: NO_TIMER, listen: false });
    const seen: Notification[] = [];
    relay.subscribe((x) => void seen.push(x));
    relay.start();
    await relay.settled();
    const before = Number((await db.pool.query('SELECT count(*) AS n FROM notification_outbox')).rows[0].n);
    await here.write({ kind: 'digest.ready', day: '2026-11-21', text: 'Daily digest', at: clock.now() });
    const after = approval();
    await here.write(after);
    await relay.settled();
    expect(Number((await db.pool.query('SELECT count(*) AS n FROM notification_outbox')).rows[0].n)).toBe(before + 1);
    expect(seen).toEqual([after]);
    await relay.stop();
  });

  it('appends from two processes at once commit in id order: a relay reading meanwhile misses none', async () => {
    const a = processOn(db.pool);
    const b = processOn(other);
    const relay = a.relay({ consumer: 'concurrent', timer: NO_TIMER, listen: false });
    const seen: Notification[] = [];
    relay.subscribe((x) => void seen.push(x));
    relay.start();
    await relay.settled();
    const written = Array.from({ length: 40 }, () => approval());
    await Promise.all(written.map((x, i) => (i % 2 ? a : b).write(x).then(() => (i % 5 === 0 ? relay.poll() : undefined))));
    await relay.settled();
    expect(ids(seen).sort((x, y) => x - y)).toEqual(ids(written));
    expect(new Set(ids(seen)).size).toBe(written.length);
    await relay.stop();
  });

  it('two relays of one consumer on the same database: one relays while the other waits, each notification once', async () => {
    const a = processOn(db.pool);
    const b = processOn(other);
    const relayA = a.relay({ consumer: 'replicas', timer: NO_TIMER, listen: false });
    const relayB = b.relay({ consumer: 'replicas', timer: NO_TIMER, listen: false });
    const byA: Notification[] = [];
    const byB: Notification[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    relayA.subscribe(async (x) => {
      byA.push(x);
      // A is slow posting its first one: B looks meanwhile.
      if (first) {
        first = false;
        await held;
      }
    });
    relayB.subscribe((x) => void byB.push(x));
    relayA.start();
    relayB.start();
    await Promise.all([relayA.settled(), relayB.settled()]);
    const written = [approval(), approval(), approval()];
    for (const x of written) await a.write(x);
    const aDone = relayA.poll();
    while (byA.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // B finds the lock taken and hands on nothing.
    await relayB.poll();
    expect(byB).toEqual([]);
    release();
    await aDone;
    await relayB.settled();
    expect([...ids(byA), ...ids(byB)]).toEqual(ids(written));
    await Promise.all([relayA.stop(), relayB.stop()]);
  });

  it('a relay whose session dies mid-way moves no cursor; the next holder hands that notification on again (at least once)', async () => {
    const a = processOn(db.pool);
    const b = processOn(other);
    // The writer has no relay: nothing but the test's calls makes either relay look.
    const writer = processOn(other);
    const relayA = a.relay({ consumer: 'dies', timer: NO_TIMER, listen: false });
    const relayB = b.relay({ consumer: 'dies', timer: NO_TIMER, listen: false });
    const byA: Notification[] = [];
    const byB: Notification[] = [];
    let cut = false;
    relayA.subscribe(async (x) => {
      byA.push(x);
      if (cut) return;
      cut = true;
      // The holder's connection is cut while it posts its first (its process died, the network went).
      await other.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND pid <> pg_backend_pid()`, [0x48524c44]);
    });
    relayB.subscribe((x) => void byB.push(x));
    relayA.start();
    relayB.start();
    await Promise.all([relayA.settled(), relayB.settled()]);
    const written = [approval(), approval()];
    for (const x of written) await writer.write(x);
    await relayA.poll();
    expect(logged.some((l) => l.event === 'notification.relay_failed' && l.fields.consumer === 'dies')).toBe(true);
    await relayB.settled();
    await relayA.settled();
    // The first was being posted when the session died: handed on again; nothing is lost, the second once.
    const [first, second] = ids(written);
    expect([...ids(byA), ...ids(byB)].sort((x, y) => x - y)).toEqual([first, first, second]);
    await Promise.all([relayA.stop(), relayB.stop()]);
  });

  it('rows older than the bound are skipped with a log line; rows it cannot read too; prune forgets old rows', async () => {
    const here = processOn(db.pool);
    // Written by another process: nothing wakes this relay before the clock moves.
    const there = processOn(other);
    const relay = here.relay({ consumer: 'stale', timer: NO_TIMER, listen: false });
    const seen: Notification[] = [];
    relay.subscribe((x) => void seen.push(x));
    relay.start();
    await relay.settled();
    const old = [approval(), approval()];
    for (const x of old) await there.write(x);
    clock.advance(RELAY_MAX_AGE_MS + 1000);
    // A newer Herald's kind, in the same outbox.
    await db.pool.query(`INSERT INTO notification_outbox (kind, payload, created_at) VALUES ('campaign.renamed', '{"kind":"campaign.renamed","at":"x"}', $1::timestamptz AT TIME ZONE 'UTC')`, [clock.now().toISOString()]);
    const fresh = approval();
    await here.write(fresh);
    await relay.settled();
    expect(ids(seen)).toEqual(ids([fresh]));
    expect(logged.find((l) => l.event === 'notification.relay_skipped_stale' && l.fields.consumer === 'stale')?.fields).toMatchObject({ count: 2 });
    expect(logged.find((l) => l.event === 'notification.relay_unreadable' && l.fields.consumer === 'stale')?.fields).toMatchObject({ kind: 'campaign.renamed' });
    const before = Number((await db.pool.query('SELECT count(*) FROM notification_outbox')).rows[0].count);
    const pruned = await here.prune(new Date(clock.now().getTime() - 1000));
    expect(pruned).toBeGreaterThanOrEqual(old.length);
    expect(Number((await db.pool.query('SELECT count(*) FROM notification_outbox')).rows[0].count)).toBe(before - pruned);
    await relay.stop();
  });

  it('a failing subscriber is logged and passed; the others still get the notification', async () => {
    const here = processOn(db.pool);
    const relay = here.relay({ consumer: 'failing', timer: NO_TIMER, listen: false });
    const seen: Notification[] = [];
    relay.subscribe(() => {
      throw new Error('slack is down');
    });
    relay.subscribe((x) => void seen.push(x));
    relay.start();
    await relay.settled();
    const x = approval();
    await here.write(x);
    await relay.settled();
    expect(seen).toEqual([x]);
    expect(logged.some((l) => l.event === 'notification.subscriber_failed' && l.fields.error === 'slack is down')).toBe(true);
    await relay.stop();
  });
  /** A relay timer ticked by hand: `tick()` is one poll interval passing. */
  function handTimer(): RelayTimer & { tick(): void } {
    let run: (() => void) | null = null;
    return { setInterval: (fn) => ((run = fn), 1), clearInterval: () => void (run = null), tick: () => run?.() };
  }
  /** Resolves with the next notification `relay` hands on (nothing but the relay's own waking calls it). */
  const nextSeen = (seen: Notification[], from: number) =>
    new Promise<Notification>((resolve) => {
      const look = () => (seen.length > from ? resolve(seen[from]!) : setImmediate(look));
      look();
    });
  /** The backends listening for appends, as the server sees them (their LISTEN done: idle after it). */
  const listeners = async () =>
    Number((await db.pool.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN herald_outbox' AND state = 'idle'`)).rows[0].n);

  /** A relay of this process that listens, once the server sees it listening; `there` is another process. */
  async function listeningRelay(consumer: string) {
    const timer = handTimer();
    const relay = processOn(db.pool).relay({ consumer, timer });
    const seen: Notification[] = [];
    relay.subscribe((x) => void seen.push(x));
    relay.start();
    await relay.settled();
    await listening(consumer, 1);
    return { relay, seen, timer, there: processOn(other) };
  }
  /** Resolves once the relay of `consumer` has started listening `times` times (its LISTEN answered, in this process). */
  async function listening(consumer: string, times: number): Promise<void> {
    const count = () => logged.filter((l) => l.event === 'notification.relay_listening' && l.fields.consumer === consumer).length;
    while (count() < times) await new Promise((resolve) => setImmediate(resolve));
  }

  it("a listening relay hears another process's append at once, with no poll and no timer", async () => {
    const { relay, seen, there } = await listeningRelay('listening');
    const x = approval();
    await there.write(x);
    // Neither poll() nor the timer: only the NOTIFY of the other process's commit wakes it.
    expect(await nextSeen(seen, 0)).toEqual(x);
    await relay.stop();
    // Its connection is closed (the server ends the backend just after).
    while ((await listeners()) > 0) await new Promise((resolve) => setImmediate(resolve));
  });

  it('a relay whose listening connection is cut says so once, and listens again at its next poll', async () => {
    const { relay, seen, timer, there } = await listeningRelay('relisten');
    await other.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN herald_outbox'`);
    while (!logged.some((l) => l.event === 'notification.relay_listen_lost' && l.fields.consumer === 'relisten')) await new Promise((resolve) => setImmediate(resolve));
    while ((await listeners()) > 0) await new Promise((resolve) => setImmediate(resolve));
    // Meanwhile the poll still hands on what another process writes.
    const first = approval();
    await there.write(first);
    timer.tick();
    expect(await nextSeen(seen, 0)).toEqual(first);
    // That poll listened again: the next append is heard by itself.
    await listening('relisten', 2);
    const second = approval();
    await there.write(second);
    expect(await nextSeen(seen, 1)).toEqual(second);
    expect(logged.filter((l) => l.event === 'notification.relay_listen_lost' && l.fields.consumer === 'relisten')).toHaveLength(1);
    await relay.stop();
  });
});
