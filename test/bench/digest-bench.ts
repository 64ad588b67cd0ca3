/**
 * `digest_1m_ms`: building the daily digest (the campaigns of one day, their figures from the count
 * tables, the day's sends and hits per hour) over a ledger of 1M messages and 1M hits spread evenly
 * over 30 days and 100 campaigns, as the daily-digest job and `/campaign digest` do it. The day's
 * rows are read through the BRIN indexes on message.sent_at and tracking_event.occurred_at: the
 * figure should stay about the same whatever the size of the ledger (goal < 1,000 ms).
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { buildDigest } from '../../src/domain/reports/digest.js';
import { buildApp } from '../../src/wiring.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, type Engine } from '../support/test-database.js';
import { envNumber, note, type Emit } from './bench-util.js';

const MESSAGES = envNumber('BENCH_DIGEST_MESSAGES', 1_000_000);
const CAMPAIGNS = 100;
const DAYS = 30;

export async function digestBench(engine: Engine, emit: Emit): Promise<void> {
  const db = await createTestDatabase(engine);
  try {
    const clock = new FixedClock(new Date('2026-12-01T06:00:00Z'));
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { database: db, clock });
    let t = performance.now();
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO campaign (id, name, channel, status, created_by, updated_at) SELECT 5000 + g, 'Bench ' || g, 'email', 'completed', 'bench', now() FROM generate_series(1, ${CAMPAIGNS}) g`,
    );
    await db.prisma.$executeRawUnsafe(`INSERT INTO run (id, campaign_id, number, status, scheduled_for) SELECT 5000 + g, 5000 + g, 1, 'completed', now() FROM generate_series(1, ${CAMPAIGNS}) g`);
    // Sent in id order over the 30 days before 1 Dec (as a ledger fills), each campaign every day.
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO message (run_id, campaign_id, contact_id, channel, recipient, status, sent_at, delivered_at)
       SELECT 5001 + g % ${CAMPAIGNS}, 5001 + g % ${CAMPAIGNS}, g, 'email', 'u' || g || '@digest.example.com',
              (CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'delivered' END)::"MessageStatus", t, t
       FROM generate_series(1, ${MESSAGES}) g, LATERAL (SELECT timestamp '2026-11-01 00:00' + (g::float8 / ${MESSAGES} * ${DAYS} * 86400) * interval '1 second' AS t) x`,
    );
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO tracking_event (message_id, type, occurred_at, method, classification)
       SELECT m.id, (CASE WHEN m.id % 4 = 0 THEN 'click' ELSE 'open' END)::"TrackingEventType", m.sent_at + interval '1 hour', 'GET', 'human'::"HitClass"
       FROM message m ORDER BY m.id`,
    );
    await db.prisma.$executeRawUnsafe('ANALYZE');
    note(`digest ${engine}: ${MESSAGES} messages and hits over ${DAYS} days written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const deps = { metrics: app.metricsDeps, activity: app.periodActivity, clock };
    // The first digest also summarises the BRIN ranges written since the indexes were made (here
    // the whole ledger; day to day, one day's pages); then the median of five.
    t = performance.now();
    const first = await buildDigest(deps, { timeZone: 'Europe/Paris' });
    const firstMs = performance.now() - t;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      await buildDigest(deps, { timeZone: 'Europe/Paris' });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    t = performance.now();
    const prev = first.previous;
    await app.periodActivity.hoursIn(prev.from, first.period.to);
    const activityMs = performance.now() - t;
    const sent = first.totals.find((x) => x.key === 'day_sent')!.numerator;
    note(`digest ${engine}: ${first.campaigns.length} campaigns, ${sent} sent on ${first.period.day}; runs ${times.map((x) => x.toFixed(0)).join(', ')} ms`);
    emit(`digest_1m_ms_${engine}`, times[2]!, 'ms', { messages: MESSAGES, campaigns: first.campaigns.length, day_sent: sent, activity_read_ms: activityMs, first_with_summary_ms: firstMs, goal: '< 1000' });
    await app.close();
  } finally {
    await db.drop();
  }
}
