/**
 * `notification_append_per_s` and `notification_relay_per_s`: notifications written to the outbox
 * by two processes at once (each its own pool, through the bus as Herald writes them: one insert
 * under the append lock each), then handed on by a relay to a subscriber that does nothing (the
 * relay's own cost: read in batches, move the cursor after each row). Notifications are a few per
 * status change, not per message: these bound how fast a burst (say, hundreds of campaigns
 * suspended by one provider outage) reaches Slack, whose own pace (~1 post/s per channel) is far lower.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { PgNotificationOutbox } from '../../src/adapters/db/notification-outbox-store.js';
import { NotificationBus } from '../../src/domain/notifications/notification-bus.js';
import { OutboxNotifications } from '../../src/domain/notifications/notification-relay.js';
import type { Notification } from '../../src/domain/ports/notifier.js';
import { FixedClock } from '../fakes/fixed-clock.js';
// The relays look only when told (settled): the figures time the work, not a poll interval.
import { NO_TIMER } from '../fakes/no-timer.js';
import { createTestDatabase, type Engine } from '../support/test-database.js';
import { envNumber, quietLog, type Emit } from './bench-util.js';

const COUNT = envNumber('BENCH_NOTIFICATIONS', 4_000);

export async function outboxBench(engine: Engine, emit: Emit): Promise<void> {
  const db = await createTestDatabase(engine);
  const other = new pg.Pool({ connectionString: db.url, max: 4 });
  other.on('error', () => {});
  try {
    const clock = new FixedClock(new Date('2026-11-22T12:00:00Z'));
    const processes = [db.pool, other].map((pool) => {
      const bus = new NotificationBus(quietLog);
      const outbox = new OutboxNotifications({ outbox: new PgNotificationOutbox(pool), clock, log: quietLog, timer: NO_TIMER });
      bus.subscribe(outbox.write);
      return { bus, outbox };
    });
    const relay = processes[0]!.outbox.relay({ consumer: 'bench', timer: NO_TIMER });
    let seen = 0;
    relay.subscribe(() => void (seen += 1));
    relay.start();
    await relay.settled();
    const n = (i: number): Notification => ({
      kind: 'campaign.suspended', campaignId: 1000 + i, campaignName: `Campaign ${i}`, from: 'sending', to: 'suspended', transition: 'suspend',
      actor: 'system:delivery', reason: 'provider outage: smtp: connection refused', runId: 1, at: clock.now(),
    });
    // Written only: the relay is stopped from looking while the appends are timed.
    await relay.stop();
    let t = performance.now();
    for (let i = 0; i < COUNT; i += 1) processes[i % 2]!.bus.notify(n(i));
    await Promise.all(processes.map((p) => p.bus.settled()));
    emit('notification_append_per_s', COUNT / ((performance.now() - t) / 1000), 'notifications/s', { engine, processes: 2, notifications: COUNT });
    const reader = processes[1]!.outbox.relay({ consumer: 'bench', timer: NO_TIMER });
    reader.subscribe(() => void (seen += 1));
    reader.start();
    t = performance.now();
    await reader.settled();
    if (seen !== COUNT) throw new Error(`the relay handed on ${seen} of ${COUNT} notifications`);
    emit('notification_relay_per_s', COUNT / ((performance.now() - t) / 1000), 'notifications/s', { engine, notifications: COUNT });
    await reader.stop();
  } finally {
    await other.end();
    await db.drop();
  }
}
