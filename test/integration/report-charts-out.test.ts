import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuickChartRenderer } from '../../src/adapters/charts/quickchart-renderer.js';
import { chartFolderName, chartLines, chartsForConsole } from '../../src/console/write-chart-files.js';
import type { ChartSpec } from '../../src/domain/ports/chart-renderer.js';
import { activityChart, funnelChart } from '../../src/domain/reports/charts.js';
import { createHttpServer, type HttpServerDeps, type HttpServerHandle } from '../../src/http/http-server.js';
import { chartsForSlack } from '../../src/slack/charts/chart-blocks.js';
import { FakeSlackApi } from '../fakes/slack-api-server.js';

const unused = new Proxy({}, { get: () => () => { throw new Error('not used by /chart'); } });

describe('a report’s charts, drawn by Herald’s own /chart, out to the console and to Slack', () => {
  let server: HttpServerHandle;
  let renderer: QuickChartRenderer;
  const slack = new FakeSlackApi();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-report-charts-'));
  const campaign = { id: 12, name: 'Spring sale' };
  const specs: ChartSpec[] = [
    activityChart({ campaign, timeZone: 'Europe/Paris', series: { bucket: 'day', points: [{ at: new Date('2026-11-30T23:00:00Z'), sent: 900, opens: 300, clicks: 40 }] } }),
    funnelChart({ campaign, funnel: { delivered: 880, opened: 300, clicked: 40 } }),
  ];
  // One the server refuses (too wide at pixel ratio 2), to show a failure is a line, not a crash.
  const tooWide: ChartSpec = { ...specs[1]!, name: 'too-wide', title: 'Too wide', width: 1500 };

  beforeAll(async () => {
    server = createHttpServer({ clock: { now: () => new Date(0) }, receipts: unused, suppressions: unused, unsubscribes: unused, signer: unused } as unknown as HttpServerDeps, { publicBaseUrl: null, twilio: null });
    renderer = new QuickChartRenderer({ baseUrl: `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}` });
    await slack.start();
  });
  afterAll(async () => {
    await server.close();
    await slack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('console: writes the drawn PNGs and prints where, and says which chart was not drawn and why', async () => {
    const folder = chartFolderName('stats-c12', new Date('2026-12-01T09:00:00Z'));
    const charts = await chartsForConsole(renderer, [...specs, tooWide], dataDir, folder);
    const dir = path.join(dataDir, 'charts', 'stats-c12-20261201-090000utc');
    expect(charts.written.map((w) => w.path)).toEqual([path.join(dir, 'activity-c12.png'), path.join(dir, 'funnel-c12.png')]);
    for (const w of charts.written) expect(fs.readFileSync(w.path).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(chartLines(charts)).toEqual([
      `Chart: Sends, human opens and clicks per day: C-12 Spring sale: ${path.join(dir, 'activity-c12.png')}`,
      `Chart: Funnel: C-12 Spring sale: ${path.join(dir, 'funnel-c12.png')}`,
      expect.stringMatching(/^Chart not drawn: Too wide \(the chart service at http:\/\/127\.0\.0\.1:\d+ refused the chart \(HTTP 400: width 1500 x devicePixelRatio 2 is 3000 px, over the 2000 px limit\.\)\)$/),
    ]);
  });

  it('Slack: uploads each drawn chart and answers its image block by slack_file id, and lists the one not drawn', async () => {
    const client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const charts = await chartsForSlack(client, renderer, [...specs, tooWide], { wait: async () => {} });
    expect(charts.blocks.map((b) => [b.block_id, b.title?.text])).toEqual([
      ['chart-activity-c12', 'Sends, human opens and clicks per day: C-12 Spring sale'],
      ['chart-funnel-c12', 'Funnel: C-12 Spring sale'],
    ]);
    const ids = charts.blocks.map((b) => (b as { slack_file: { id: string } }).slack_file.id);
    expect(slack.uploads.filter((u) => ids.includes(u.id)).map((u) => u.filename)).toEqual(['activity-c12.png', 'funnel-c12.png']);
    expect(charts.missing).toEqual([{ title: 'Too wide', reason: expect.stringContaining('3000 px, over the 2000 px limit') }]);
  });
});
