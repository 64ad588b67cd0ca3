import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServerHandle } from '../../../src/http/http-server.js';
import { importContacts, noPacing, ok } from '../../support/delivery-fixtures.js';
import { CARD_ACTIONS } from '../../../src/slack/ids.js';
import { assertPostable } from '../../support/block-kit-limits.js';
import { buttonClick, createSlackHarness, USERS, type SlackHarness } from './slack-harness.js';
import { assertUploadedChart, PNG_SIGNATURE as PNG } from '../../support/chart-images.js';


describe('stats and compare in Slack: charts uploaded and shown by slack_file id', () => {
  let h: SlackHarness;
  let http: HttpServerHandle;
  let base = '';

  beforeAll(async () => {
    h = await createSlackHarness('embedded', { overrides: { pacer: noPacing } });
    // Herald's own /chart draws the charts, as in main.ts once the HTTP server listens.
    http = createHttpServer(h.t.app.httpDeps(), { publicBaseUrl: null, twilio: null });
    base = `http://127.0.0.1:${(await http.listen(0, '127.0.0.1')).port}`;
    h.t.app.setPublicBaseUrl(base);
    h.t.app.setChartServiceUrl(base);
    await ok(h.t, 'templates create Promo --channel email --subject "Hi" --text "Hi" --from-email news@example.com');
    await importContacts(h.t, 'Buyers', 'email', ['a@buy.example.com', 'b@buy.example.com']);
    await ok(h.t, 'new --name Spring --channel email --template Promo --list Buyers');
    await ok(h.t, 'new --name Autumn --channel email --template Promo --list Buyers');
    await ok(h.t, 'run C-1001');
    await h.t.app.worker.drain();
  });
  afterAll(async () => {
    await http.close();
    await h.close();
  });

  it('stats: the figures, then the activity and funnel charts as image blocks of uploaded PNGs', async () => {
    const { responseUrl } = await h.command('stats C-1001', USERS.viewer);
    const [answer] = h.slack.responsesTo(responseUrl);
    const blocks = answer!.body.blocks as any[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks)).toContain('unique human opens ÷ delivered');
    const images = blocks.filter((b) => b.type === 'image');
    expect(images.map((b) => b.block_id)).toEqual(['chart-activity-c1001', 'chart-funnel-c1001']);
    for (const image of images) {
      assertUploadedChart(h.slack, image);
      expect(image.alt_text.length).toBeGreaterThan(10);
    }
  });

  it('the card’s Stats button answers as the typed stats does: the same figures and the same charts, privately', async () => {
    const typed = await h.command('stats C-1001', USERS.viewer);
    const typedBlocks = h.slack.responsesTo(typed.responseUrl)[0]!.body.blocks as any[];
    const card = await h.command('show C-1001', USERS.viewer);
    const buttons = (h.slack.responsesTo(card.responseUrl)[0]!.body.blocks as any[]).at(-1).elements.map((e: any) => e.action_id);
    expect(buttons).toContain(CARD_ACTIONS.stats);
    const responseUrl = h.slack.responseUrl('stats-button');
    await h.action(buttonClick({ actionId: CARD_ACTIONS.stats, value: '1001', user: USERS.viewer, responseUrl, blockId: 'card_1001_v1' }));
    const [answer] = h.slack.responsesTo(responseUrl);
    expect(answer!.body.response_type).toBe('ephemeral');
    expect(answer!.body.replace_original).toBe(false);
    assertPostable(answer!.body);
    const blocks = answer!.body.blocks as any[];
    const images = blocks.filter((b) => b.type === 'image');
    expect(images.map((b) => b.block_id)).toEqual(['chart-activity-c1001', 'chart-funnel-c1001']);
    for (const image of images) expect(h.slack.uploads.some((u) => u.id === image.slack_file.id)).toBe(true);
    // Everything but the uploaded files' ids is what the typed command showed.
    const withoutFiles = (list: any[]) => JSON.stringify(list).replace(/"id":"F[A-Z0-9]+"/g, '"id":"F"');
    expect(withoutFiles(blocks)).toBe(withoutFiles(typedBlocks));
  });

  it('compare: the side-by-side table and the compare funnel', async () => {
    const { responseUrl } = await h.command('compare C-1001 C-1002', USERS.viewer);
    const [answer] = h.slack.responsesTo(responseUrl);
    const blocks = answer!.body.blocks as any[];
    expect(answer!.body.text).toMatch(/^Compare C-1001, C-1002:/);
    expect(JSON.stringify(blocks)).toContain('100.0 % (2 ÷ 2)');
    const images = blocks.filter((b) => b.type === 'image');
    expect(images.map((b) => b.block_id)).toEqual(['chart-compare-funnel-c1001-c1002']);
    expect(h.slack.uploads.some((u) => u.id === images[0].slack_file.id && u.filename === 'compare-funnel-c1001-c1002.png')).toBe(true);
  });

  it('the card shows the headline figures with their counts, and no chart', async () => {
    const { responseUrl } = await h.command('show C-1001', USERS.viewer);
    const blocks = JSON.stringify(h.slack.responsesTo(responseUrl)[0]!.body.blocks);
    // 2 messages delivered, no human hits yet: 100 % (2 ÷ 2) delivered, 0 % (0 ÷ 2) opened and clicked.
    expect(blocks).toContain('100.0 % (2 ÷ 2)');
    expect(blocks).toMatch(/Open rate\*?\\n0\.0 % \(0 ÷ 2\)/);
    expect(blocks).toContain('unique human clicks ÷ delivered');
    expect(blocks).not.toContain('"image"');
  });

  it('App Home rows carry the headline figures of the campaigns shown', async () => {
    expect((await h.t.run('new --name Winter --channel email --template Promo --list Buyers', USERS.marketer)).ok).toBe(true);
    expect((await h.t.run('run C-1003', USERS.marketer)).ok).toBe(true);
    await h.t.app.worker.drain();
    const body = JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: 'EvHome', event_time: 1, event: { type: 'app_home_opened', user: USERS.marketer, channel: 'D1', tab: 'home', event_ts: '1.1' } });
    expect((await h.post({ body, contentType: 'application/json' })).status).toBe(200);
    const home = JSON.stringify(h.slack.last('views.publish')!.body.view.blocks);
    // The marketer's C-1003: 2 delivered of 2, no human hits yet.
    expect(home).toContain('*C-1003* Winter');
    expect(home).toContain('delivered 100.0 % (2 ÷ 2) · open 0.0 % (0 ÷ 2) · click 0.0 % (0 ÷ 2)');
  });

  it('a chart service that is down: one line per chart, the reply still answers', async () => {
    h.t.app.setChartServiceUrl('http://127.0.0.1:1');
    try {
      const { responseUrl } = await h.command('compare C-1001 C-1002', USERS.viewer);
      const [answer] = h.slack.responsesTo(responseUrl);
      const blocks = answer!.body.blocks as any[];
      expect(blocks.some((b) => b.type === 'image')).toBe(false);
      const last = JSON.stringify(blocks.at(-1));
      expect(last).toContain('Chart not drawn: Funnels compared: C-1001, C-1002');
      expect(JSON.stringify(blocks)).toContain('unique human opens ÷ delivered');
    } finally {
      h.t.app.setChartServiceUrl(base);
    }
  });
});
