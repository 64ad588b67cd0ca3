import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler } from '../../src/commands/handle-command.js';
import { consoleCharts } from '../../src/console/console-charts.js';
import { runConsole } from '../../src/console/run-console.js';
import { createHttpServer, type HttpServerHandle } from '../../src/http/http-server.js';
import { importContacts, noPacing, ok, statuses } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';
import { PNG_SIGNATURE as PNG } from '../support/chart-images.js';


describe.each(ENGINES)('activity over time and report charts on %s', (engine) => {
  let t: TestApp;
  let http: HttpServerHandle;
  let messageIds: bigint[] = [];
  let base = '';

  /** Runs console lines through the real console loop with chart files, answering what it printed. */
  const consoleRun = async (lines: string[]) => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (c: Buffer) => (printed += c.toString('utf8')));
    await runConsole({
      input: Readable.from([lines.join('\n') + '\n']),
      output,
      handle: createCommandHandler(t.app, { error: () => {} }),
      actor: { id: 'alice' },
      banner: '',
      charts: consoleCharts({ renderer: t.app.charts, dataDir: t.dataDir, clock: t.clock }),
    });
    return printed;
  };
  const hit = (messageId: bigint, type: 'open' | 'click', at: string, classification = 'human') =>
    t.db.prisma.$executeRawUnsafe(
      `INSERT INTO tracking_event (message_id, type, occurred_at, classification) VALUES ($1, $2::"TrackingEventType", $3::timestamp, $4::"HitClass")`,
      messageId,
      type,
      at,
      classification,
    );

  beforeAll(async () => {
    t = await createTestApp(engine, { SEND_BATCH_SIZE: '50' }, { pacer: noPacing });
    http = createHttpServer(t.app.httpDeps(), { publicBaseUrl: null, twilio: null });
    const { port } = await http.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    t.app.setPublicBaseUrl(base);
    t.app.setChartServiceUrl(base);
    await ok(t, 'templates create Promo --channel email --subject "Hi" --text "Hi {{ first_name }}" --from-email news@example.com');
    await importContacts(t, 'Buyers', 'email,first_name', ['a@buy.example.com,A', 'b@buy.example.com,B', 'c@buy.example.com,C']);
    await ok(t, 'new --name Spring --channel email --template Promo --list Buyers');
    await ok(t, 'new --name Autumn --channel email --template Promo --list Buyers');
    await ok(t, 'run C-1001');
    await t.app.worker.drain();
    await ok(t, 'run C-1002');
    await t.app.worker.drain();
    const rows = await t.db.prisma.$queryRaw<{ id: bigint }[]>`SELECT id FROM message WHERE campaign_id = 1001 ORDER BY id`;
    messageIds = rows.map((r) => r.id);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('buckets sends and human hits by hour and by day in the account zone, with one read per series', async () => {
    expect(Object.values(await statuses(t, 1001))).toEqual(['delivered', 'delivered', 'delivered']);
    // Sent at T0 = 2026-11-22 10:00 UTC (the test clock). Hits (UTC): a human open 10:40, one 11:10,
    // one 11:50; a human click 11:55; a bot-window open 10:00:30 and a proxy open (never counted).
    const [a, b, c] = messageIds as [bigint, bigint, bigint];
    await hit(a, 'open', '2026-11-22 10:40:00');
    await hit(b, 'open', '2026-11-22 11:10:00');
    await hit(c, 'open', '2026-11-22 11:50:00');
    await hit(c, 'click', '2026-11-22 11:55:00');
    await hit(a, 'open', '2026-11-22 10:00:30', 'bot_window');
    await hit(b, 'open', '2026-11-22 10:05:00', 'privacy_proxy');
    // Kolkata is UTC+5:30: 10:00 UTC is 15:30 there, so its hours start at hh:30 UTC. By hand:
    // [09:30, 10:30) UTC: 3 sent; [10:30, 11:30): opens at 10:40 and 11:10; [11:30, 12:30): open 11:50, click 11:55.
    const kolkata = await t.app.metricsDeps.metrics.activityOf(1001, 'hour', 'Asia/Kolkata');
    expect(kolkata.sent).toEqual([{ at: new Date('2026-11-22T09:30:00Z'), count: 3 }]);
    expect(kolkata.opens).toEqual([
      { at: new Date('2026-11-22T10:30:00Z'), count: 2 },
      { at: new Date('2026-11-22T11:30:00Z'), count: 1 },
    ]);
    expect(kolkata.clicks).toEqual([{ at: new Date('2026-11-22T11:30:00Z'), count: 1 }]);
    // UTC hours: 10:00 has 3 sent and 1 open; 11:00 has 2 opens and 1 click.
    const utc = await t.app.metricsDeps.metrics.activityOf(1001, 'hour', 'UTC');
    expect(utc.opens).toEqual([
      { at: new Date('2026-11-22T10:00:00Z'), count: 1 },
      { at: new Date('2026-11-22T11:00:00Z'), count: 2 },
    ]);
    // Days in Los Angeles (UTC-8 in November): everything is on 22 Nov there, which starts at 08:00 UTC.
    const la = await t.app.metricsDeps.metrics.activityOf(1001, 'day', 'America/Los_Angeles');
    expect(la.sent).toEqual([{ at: new Date('2026-11-22T08:00:00Z'), count: 3 }]);
    expect(la.opens).toEqual([{ at: new Date('2026-11-22T08:00:00Z'), count: 3 }]);
    // The other campaign's messages are not in this one's series.
    expect((await t.app.metricsDeps.metrics.activityOf(1002, 'hour', 'UTC')).opens).toEqual([]);
  });

  it('stats and compare in the console write their charts as PNG files and print where', async () => {
    const printed = await consoleRun(['stats C-1001', 'compare C-1001 C-1002']);
    const files = [...printed.matchAll(/^Chart: .*?: (\/\S+\.png)$/gm)].map((m) => m[1]!);
    expect(files.map((f) => path.basename(f))).toEqual(['activity-c1001.png', 'funnel-c1001.png', 'compare-funnel-c1001-c1002.png']);
    for (const f of files) {
      expect(f.startsWith(path.join(t.dataDir, 'charts'))).toBe(true);
      expect(fs.readFileSync(f).subarray(0, 8).equals(PNG)).toBe(true);
    }
    expect(printed).toContain('Compare C-1001, C-1002');
    expect(printed).not.toContain('Chart not drawn');
  });

  it('a chart service that is down is one line; the command still answers its figures', async () => {
    t.app.setChartServiceUrl('http://127.0.0.1:1');
    try {
      const printed = await consoleRun(['compare C-1001 C-1002']);
      expect(printed).toMatch(/^Chart not drawn: Funnels compared: C-1001, C-1002 \(.+\)$/m);
      expect(printed).toContain('unique human opens ÷ delivered');
    } finally {
      t.app.setChartServiceUrl(base);
    }
  });
});
