import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { funnelChart } from '../../src/domain/reports/charts.js';
import { drawChart } from '../../src/http/chart/draw-chart.js';
import { chartImageBlock, IMAGE_LIMITS } from '../../src/slack/charts/chart-image-block.js';
import { uploadChart } from '../../src/slack/charts/upload-chart.js';
import { FakeSlackApi } from '../fakes/slack-api-server.js';

describe('charts in Slack: uploaded with filesUploadV2, shown by slack_file id (local Slack fake)', () => {
  const slack = new FakeSlackApi();
  let client: webApi.WebClient;
  let png: Buffer;
  const spec = funnelChart({ campaign: { id: 12, name: 'Spring sale' }, funnel: { delivered: 980, opened: 400, clicked: 75 } });
  const waits: number[] = [];
  const wait = async (ms: number) => void waits.push(ms);

  beforeAll(async () => {
    await slack.start();
    client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    png = await drawChart({ config: spec.config as unknown as Record<string, unknown>, width: spec.width, height: spec.height, devicePixelRatio: 1, backgroundColor: '#ffffff' });
  });
  afterAll(() => slack.stop());
  beforeEach(() => {
    slack.clear();
    slack.uploadProcessingChecks = 0;
    waits.length = 0;
  });

  it('uploads the PNG unshared, waits until Slack has processed it, and a message shows it by its id', async () => {
    slack.uploadProcessingChecks = 2;
    const upload = await uploadChart(client, { name: spec.name, title: spec.title, png }, { wait });
    if (!upload.ok) throw new Error(upload.reason);
    const stored = slack.uploads.find((u) => u.id === upload.fileId)!;
    expect(stored).toMatchObject({ filename: 'funnel-c12.png', title: 'Funnel: C-12 Spring sale', channelId: '' });
    expect(stored.content.equals(png)).toBe(true);
    // Two answers without a type, then image/png: two waits, doubling.
    expect(slack.callsOf('files.info').map((c) => c.body.file)).toEqual([upload.fileId, upload.fileId, upload.fileId]);
    expect(waits).toEqual([250, 500]);

    const block = chartImageBlock({ fileId: upload.fileId, title: spec.title, altText: spec.altText });
    await client.chat.postMessage({ channel: 'C0CHARTS1', text: `${spec.title}: ${spec.altText}`, blocks: [block] });
    expect(slack.last('chat.postMessage')!.body.blocks).toEqual([
      { type: 'image', slack_file: { id: upload.fileId }, alt_text: spec.altText, title: { type: 'plain_text', text: 'Funnel: C-12 Spring sale', emoji: false } },
    ]);
  });

  it('gives up after a bounded number of checks, and says why, when Slack never finishes', async () => {
    slack.uploadProcessingChecks = 100;
    const upload = await uploadChart(client, { name: spec.name, title: spec.title, png }, { wait, maxChecks: 3 });
    expect(upload).toMatchObject({ ok: false, reason: expect.stringMatching(/^Slack had not finished processing the chart F\w+ after 3 checks$/) });
    expect(slack.callsOf('files.info')).toHaveLength(3);
    expect(waits).toEqual([250, 500]);
  });

  it('returns why as a value when Slack cannot be reached', async () => {
    const offline = new webApi.WebClient(slack.botToken, { slackApiUrl: 'http://127.0.0.1:1/api/', retryConfig: { retries: 0 } });
    const upload = await uploadChart(offline, { name: 'activity-c1', title: 't', png }, { wait });
    expect(upload).toMatchObject({ ok: false, reason: expect.stringMatching(/^Slack did not take the chart "activity-c1\.png" \(/) });
  });
});

describe('chart image block', () => {
  it('keeps alt text and title within Block Kit’s limits and falls back to the title for blank alt text', () => {
    const block = chartImageBlock({ fileId: 'F0123456789', title: 'T'.repeat(2100), altText: 'a'.repeat(5000), blockId: 'chart-funnel' });
    expect(block.alt_text).toHaveLength(IMAGE_LIMITS.altText);
    expect(block.title!.text).toHaveLength(IMAGE_LIMITS.title);
    expect(block.block_id).toBe('chart-funnel');
    expect(chartImageBlock({ fileId: 'F0123456789', title: 'Funnel', altText: '  ' }).alt_text).toBe('Funnel');
  });

  it('refuses what is not a Slack file id (Slack would refuse the whole message)', () => {
    expect(() => chartImageBlock({ fileId: 'https://example.com/x.png', title: 't', altText: 'a' })).toThrow(/is not a Slack file id/);
  });
});
