import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler } from '../../src/commands/handle-command.js';
import { consoleCharts } from '../../src/console/console-charts.js';
import { renderText } from '../../src/console/render-text.js';
import { createHttpServer } from '../../src/http/http-server.js';
import { PrismaHitStore } from '../../src/adapters/db/hit-store.js';
import type { ClassifiedHit } from '../../src/domain/ports/hit-store.js';
import type { Notification } from '../../src/domain/ports/notifier.js';
import { buildDigest, digestPeriods, digestText, type Digest } from '../../src/domain/reports/digest.js';
import { dailyDigest } from '../../src/jobs/daily-digest.js';
import { notificationLine } from '../../src/console/notification-line.js';
import { importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

/**
 * The digest of Sun 25 Oct 2026 in Europe/Paris: the night clocks go back, so the day is 25 hours
 * long, 2026-10-24T22:00Z (00:00 CEST) to 2026-10-25T23:00Z (00:00 CET). The fixture:
 *
 * C-1001 "Autumn" (4 messages): a1, a2 sent 22:30Z on the 24th (00:30 local, hour 0); a3 sent 01:30Z
 *   (02:30 CET, the second 02:00 hour: hour 3); a4 sent 22:59Z (23:59 CET, hour 24, which a 24-hour
 *   day would miss) and left `unknown`. Human opens of a1 (08:00Z) and a2 (09:00Z), a human click
 *   of a1 (08:05Z), an unsubscribe of a2 (09:30Z).
 * C-1002 "Winter" (2 messages): b1 sent 10:00Z (hour 12), b2 sent 23:00Z (00:00 on the 26th: not
 *   that day); both delivered. A human open of b1 (11:00Z) and a bot-window open of b1 (not counted).
 * C-1003 "Summer" (2 messages): both sent 12:00Z on the 24th (the previous day), c1 delivered,
 *   c2 failed; a human open of c1 on the 24th (13:00Z) and another on the 25th (07:00Z), so it
 *   had activity on both days.
 *
 * By hand, the 25th: campaigns A, B, C = 3 (the 24th: C = 1, ▲ 200.0 %); sent 4 + 1 + 0 = 5 (the 24th: 2,
 * ▲ 150.0 %); human opens 2 + 1 + 1 = 4 (the 24th: 1, ▲ 300.0 %); clicks 1 (new); unsubscribes 1 (new).
 * Figures as they stand: A delivered 3 of 4, unique opens 2, clicks 1, unsubscribes 1, unknown 1;
 * B delivered 2 of 2, opens 1; C delivered 1 of 2, opens 1, failed 1 (attempted 2).
 * Totals over A+B+C: delivered 6 ÷ 8 = 75.0 % (C alone: 50.0 %, ▲ 25.0 pp); open rate 4 ÷ 6 = 66.7 %
 * (C: 1 ÷ 1 = 100.0 %, ▼ 33.3 pp); click-through 1 ÷ 6 = 16.7 % (C: 0.0 %, ▲ 16.7 pp); unsubscribe
 * 1 ÷ 6 = 16.7 % (▲ 16.7 pp); failures 1 ÷ 8 = 12.5 % (C: 1 ÷ 2 = 50.0 %, ▼ 37.5 pp); unknown 1 ÷ 8 = 12.5 % (▲ 12.5 pp).
 */
const ZONE = 'Europe/Paris';
const NOW = new Date('2026-10-26T08:00:00Z'); // 09:00 CET on Monday 26 Oct: yesterday is the 25th

describe.each(ENGINES)('the daily digest against fixture metrics (%s)', (engine) => {
  let t: TestApp;
  let digest: Digest;

  const human = (messageId: string, kind: 'open' | 'click', at: string, linkId: number | null = null, classification: ClassifiedHit['classification'] = 'human'): ClassifiedHit => ({
    kind,
    at: new Date(at),
    method: 'GET',
    userAgent: 'Mozilla/5.0',
    ip: null,
    storedIp: null,
    messageId,
    linkId,
    linksInMessage: kind === 'click' ? 1 : null,
    hasPixel: true,
    classification,
    reason: classification === 'human' ? null : 'bot_window',
  });

  beforeAll(async () => {
    t = await createTestApp(engine, { ACCOUNT_TIME_ZONE: ZONE }, { pacer: noPacing });
    await ok(t, 'templates create Promo --channel email --subject "Hi" --text "Hi" --from-email news@example.com');
    await importContacts(t, 'Four', 'email', ['a1@x.example.com', 'a2@x.example.com', 'a3@x.example.com', 'a4@x.example.com']);
    await importContacts(t, 'TwoB', 'email', ['b1@x.example.com', 'b2@x.example.com']);
    await importContacts(t, 'TwoC', 'email', ['c1@x.example.com', 'c2@x.example.com']);
    await ok(t, 'new --name Autumn --channel email --template Promo --list Four');
    await ok(t, 'new --name Winter --channel email --template Promo --list TwoB');
    await ok(t, 'new --name Summer --channel email --template Promo --list TwoC');
    t.clock.set(new Date('2026-10-24T12:00:00Z'));
    for (const id of ['C-1001', 'C-1002', 'C-1003']) await ok(t, `run ${id}`);
    await t.app.worker.drain();
    // The send times and outcomes of the fixture, set on the ledger (its triggers keep the counts).
    const set = async (recipient: string, sentAt: string, status: string) => {
      const n = await t.db.prisma.$executeRawUnsafe(
        `UPDATE message SET sent_at = $1::timestamp, status = $2::"MessageStatus", failure_category = CASE WHEN $2 = 'failed' THEN 'rejected' END WHERE recipient = $3`,
        sentAt.replace('T', ' ').replace('Z', ''),
        status,
        recipient,
      );
      expect(n).toBe(1);
    };
    await set('a1@x.example.com', '2026-10-24T22:30:00Z', 'delivered');
    await set('a2@x.example.com', '2026-10-24T22:30:00Z', 'delivered');
    await set('a3@x.example.com', '2026-10-25T01:30:00Z', 'delivered');
    await set('a4@x.example.com', '2026-10-25T22:59:00Z', 'unknown');
    await set('b1@x.example.com', '2026-10-25T10:00:00Z', 'delivered');
    await set('b2@x.example.com', '2026-10-25T23:00:00Z', 'delivered');
    await set('c1@x.example.com', '2026-10-24T12:00:00Z', 'delivered');
    await set('c2@x.example.com', '2026-10-24T12:00:00Z', 'failed');
    const ids = Object.fromEntries(
      (await t.db.prisma.$queryRawUnsafe<{ id: bigint; recipient: string }[]>('SELECT id, recipient FROM message')).map((r) => [r.recipient.split('@')[0]!, String(r.id)]),
    );
    const [link] = await t.db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO link (campaign_id, original_url, url) VALUES (1001, 'https://shop.example.com/', 'https://shop.example.com/') RETURNING id`);
    await new PrismaHitStore(t.db.prisma, t.db.pool).write([
      human(ids.a1!, 'open', '2026-10-25T08:00:00Z'),
      human(ids.a1!, 'click', '2026-10-25T08:05:00Z', link!.id),
      human(ids.a2!, 'open', '2026-10-25T09:00:00Z'),
      human(ids.b1!, 'open', '2026-10-25T10:00:30Z', null, 'bot_window'),
      human(ids.b1!, 'open', '2026-10-25T11:00:00Z'),
      human(ids.c1!, 'open', '2026-10-24T13:00:00Z'),
      human(ids.c1!, 'open', '2026-10-25T07:00:00Z'),
    ]);
    // An unsubscribe as the unsubscribe store keeps it: the hit and the run's count.
    await t.db.prisma.$executeRawUnsafe(`INSERT INTO tracking_event (message_id, type, occurred_at) VALUES ($1::bigint, 'unsubscribe', '2026-10-25 09:30:00')`, ids.a2!);
    await t.db.prisma.$executeRawUnsafe(`INSERT INTO run_event_count (run_id, variant, metric, count) SELECT run_id, '', 'unsubscribe', 1 FROM message WHERE id = $1::bigint`, ids.a2!);
    t.clock.set(NOW);
    digest = await buildDigest({ metrics: t.app.metricsDeps, activity: t.app.periodActivity, clock: t.clock }, { timeZone: ZONE });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('covers yesterday in the account zone: 25 hours the night clocks go back, and the 24 hours before', () => {
    expect(digest.period).toEqual({ day: '2026-10-25', label: 'Sun 25 Oct 2026', from: new Date('2026-10-24T22:00:00Z'), to: new Date('2026-10-25T23:00:00Z'), hours: 25 });
    expect(digest.previous).toMatchObject({ day: '2026-10-24', from: new Date('2026-10-23T22:00:00Z'), to: new Date('2026-10-24T22:00:00Z'), hours: 24 });
    expect(digest.partial).toBe(false);
  });

  it('lists the day’s campaigns, most sent first, with the day’s counts and their trends', () => {
    expect(digest.campaigns.map((c) => [c.id, c.name, c.day, c.dayTrend.sent.text, c.dayTrend.opens.text])).toEqual([
      [1001, 'Autumn', { sent: 4, opens: 2, clicks: 1, unsubscribes: 1 }, 'new', 'new'],
      [1002, 'Winter', { sent: 1, opens: 1, clicks: 0, unsubscribes: 0 }, 'new', 'new'],
      [1003, 'Summer', { sent: 0, opens: 1, clicks: 0, unsubscribes: 0 }, '▼ 100.0 %', '= 0.0 %'],
    ]);
    expect(digest.previousCampaigns).toBe(1);
  });

  it('gives each campaign’s key figures from the count tables, each with its two counts', () => {
    const row = (id: number) => digest.campaigns.find((c) => c.id === id)!.figures.map((f) => [f.key, f.numerator, f.denominator]);
    expect(row(1001)).toEqual([['delivered', 3, 4], ['open_rate', 2, 3], ['click_through_rate', 1, 3], ['unsubscribe_rate', 1, 3], ['failure_rate', 0, 4], ['unknown', 1, 4]]);
    expect(row(1002)).toEqual([['delivered', 2, 2], ['open_rate', 1, 2], ['click_through_rate', 0, 2], ['unsubscribe_rate', 0, 2], ['failure_rate', 0, 2], ['unknown', 0, 2]]);
    expect(row(1003)).toEqual([['delivered', 1, 2], ['open_rate', 1, 1], ['click_through_rate', 0, 1], ['unsubscribe_rate', 0, 1], ['failure_rate', 1, 2], ['unknown', 0, 2]]);
  });

  it('totals the day and the campaigns, with ▲/▼ in % for counts and in percentage points for rates', () => {
    expect(digest.totals.map((x) => [x.key, x.numerator, x.denominator, x.trend.text])).toEqual([
      ['campaigns', 3, null, '▲ 200.0 %'],
      ['day_sent', 5, null, '▲ 150.0 %'],
      ['day_opens', 4, null, '▲ 300.0 %'],
      ['day_clicks', 1, null, 'new'],
      ['day_unsubscribes', 1, null, 'new'],
      ['delivered', 6, 8, '▲ 25.0 pp'],
      ['open_rate', 4, 6, '▼ 33.3 pp'],
      ['click_through_rate', 1, 6, '▲ 16.7 pp'],
      ['unsubscribe_rate', 1, 6, '▲ 16.7 pp'],
      ['failure_rate', 1, 8, '▼ 37.5 pp'],
      ['unknown', 1, 8, '▲ 12.5 pp'],
    ]);
  });

  it('charts every hour of the day, the repeated hour and the last one included, and compares the campaigns', () => {
    expect(digest.hourly).toHaveLength(25);
    const nonZero = digest.hourly.flatMap((p, h) => (p.sent || p.opens || p.clicks ? [[h, p.sent, p.opens, p.clicks]] : []));
    expect(nonZero).toEqual([[0, 2, 0, 0], [3, 1, 0, 0], [9, 0, 1, 0], [10, 0, 1, 1], [11, 0, 1, 0], [12, 1, 0, 0], [13, 0, 1, 0], [24, 1, 0, 0]]);
    expect(digest.charts.map((c) => c.name)).toEqual(['digest-activity-20261025', 'digest-compare-20261025']);
    expect(digest.charts[0]!.title).toBe('Sends, human opens and clicks per hour: 3 campaigns, Sun 25 Oct 2026');
    expect(digest.charts[0]!.altText).toContain('In total 5 sent, 4 human opens, 1 human clicks.');
    expect(digest.charts[1]!.config.data.datasets.map((d) => d.label)).toEqual(['C-1001 Autumn: 3 delivered', 'C-1002 Winter: 2 delivered', 'C-1003 Summer: 1 delivered']);
  });

  it('/campaign digest --date answers the same digest, and writes no wrong day', async () => {
    const r = await t.run('digest --date 2026-10-25');
    expect(r.ok).toBe(true);
    expect(r.text).toContain('Daily digest, Sun 25 Oct 2026 (Europe/Paris)');
    expect(r.text).toContain('66.7 % (4 ÷ 6) ▼ 33.3 pp (100.0 % the day before)');
    expect(r.text).toContain('C-1001 Autumn');
    const empty = await t.run('digest --date 2026-10-20');
    expect(empty.text).toContain('No campaign sent on Tue 20 Oct 2026 (Europe/Paris), and no opens, clicks or unsubscribes came in that day.');
    const future = await t.run('digest --date 2026-10-27');
    expect(future).toMatchObject({ ok: false });
    expect(future.text).toContain('--date 2026-10-27 has not begun yet in Europe/Paris');
    const bad = await t.run('digest --date 2026-02-29');
    expect(bad.text).toContain('--date is not a real date: 2026-02 has 28 days (got "2026-02-29")');
  });

  it('the console prints the digest and writes its chart PNGs, saying where', async () => {
    const http = createHttpServer(t.app.httpDeps(), { publicBaseUrl: null, twilio: null });
    try {
      t.app.setChartServiceUrl(`http://127.0.0.1:${(await http.listen(0, '127.0.0.1')).port}`);
      const handle = createCommandHandler(t.app, { error: () => {} });
      const line = '/campaign digest';
      const reply = await handle(line, { id: 'alice' });
      const printed = renderText(reply);
      expect(printed).toMatch(/^Sent that day: +5 ▲ 150\.0 % \(2 the day before\)$/m);
      expect(printed).toMatch(/^Open rate: +66\.7 % \(4 ÷ 6\) ▼ 33\.3 pp \(100\.0 % the day before\)$/m);
      expect(printed).toMatch(/^C-1003 Summer +0 ▼ 100\.0 % +50\.0 % \(1 ÷ 2\) +100\.0 % \(1 ÷ 1\)/m);
      const lines = await consoleCharts({ renderer: t.app.charts, dataDir: t.dataDir, clock: t.clock })(reply, line);
      const dir = path.join(t.dataDir, 'charts', 'digest-activity-20261025-20261026-080000utc');
      expect(lines).toEqual([
        `Chart: Sends, human opens and clicks per hour: 3 campaigns, Sun 25 Oct 2026: ${path.join(dir, 'digest-activity-20261025.png')}`,
        `Chart: Funnels compared, Sun 25 Oct 2026: C-1001, C-1002, C-1003: ${path.join(dir, 'digest-compare-20261025.png')}`,
      ]);
      for (const name of ['digest-activity-20261025.png', 'digest-compare-20261025.png']) expect(fs.readFileSync(path.join(dir, name)).subarray(1, 4).toString('latin1')).toBe('PNG');
    } finally {
      await http.close();
    }
  });

  it('--post without Slack is refused, naming SLACK_DIGEST_CHANNEL', async () => {
    const r = await t.run('digest --post');
    expect(r.ok).toBe(false);
    expect(r.text).toContain('SLACK_DIGEST_CHANNEL');
    expect(r.text).toContain('runs without Slack');
  });

  it('the scheduled job without Slack tells the digest as a notification, which the console prints', async () => {
    const told: Notification[] = [];
    const handler = dailyDigest({
      deps: { metrics: t.app.metricsDeps, activity: t.app.periodActivity, clock: t.clock },
      timeZone: ZONE,
      publisher: null,
      notifier: { notify: (n) => told.push(n) },
      log: () => {},
    });
    await handler({ name: 'daily-digest', fireAt: new Date('2026-10-26T08:00:00Z') });
    expect(told).toHaveLength(1);
    const line = notificationLine(told[0]!, ZONE);
    expect(line.startsWith('[09:00:00] DIGEST Daily digest, Sun 25 Oct 2026 (Europe/Paris)\n')).toBe(true);
    expect(line).toContain(digestText(digest));
    expect(line).toContain('(charts: /campaign digest --date 2026-10-25)');
  });
});

describe('digest day bounds', () => {
  it('is yesterday in the zone, and spring-forward days are 23 hours', () => {
    // 00:30 on 30 Mar 2026 in Paris is still 22:30Z on the 29th: "yesterday" is the 29th there, the 28th in UTC.
    const now = new Date('2026-03-29T22:30:00Z');
    expect(digestPeriods(now, 'Europe/Paris').period).toEqual({ day: '2026-03-29', label: 'Sun 29 Mar 2026', from: new Date('2026-03-28T23:00:00Z'), to: new Date('2026-03-29T22:00:00Z'), hours: 23 });
    expect(digestPeriods(now, 'UTC').period).toMatchObject({ day: '2026-03-28', hours: 24 });
    expect(digestPeriods(now, 'America/New_York', '2026-03-08').period).toMatchObject({ from: new Date('2026-03-08T05:00:00Z'), to: new Date('2026-03-09T04:00:00Z'), hours: 23 });
    const later = new Date('2026-11-05T12:00:00Z');
    expect(digestPeriods(later, 'America/New_York', '2026-11-01').previous).toMatchObject({ day: '2026-10-31', hours: 24 });
    expect(digestPeriods(later, 'America/New_York', '2026-11-01').period).toMatchObject({ from: new Date('2026-11-01T04:00:00Z'), to: new Date('2026-11-02T05:00:00Z'), hours: 25 });
  });

  it('a day of today is partial; a day not begun is refused naming --date', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    // Kiritimati (UTC+14) is already on the 2nd: its 2nd began at 10:00Z.
    expect(digestPeriods(now, 'Pacific/Kiritimati', '2026-12-02').period.from).toEqual(new Date('2026-12-01T10:00:00Z'));
    expect(() => digestPeriods(now, 'UTC', '2026-12-02')).toThrow(/--date 2026-12-02 has not begun yet in UTC/);
  });
});
