import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServerHandle } from '../../../src/http/http-server.js';
import { dailyDigest } from '../../../src/jobs/daily-digest.js';
import { createScheduler, digestJob } from '../../../src/jobs/scheduler.js';
import { assertPostable } from '../../support/block-kit-limits.js';
import { importContacts, noPacing, ok } from '../../support/delivery-fixtures.js';
import { createSlackHarness, USERS, type SlackHarness } from './slack-harness.js';
import { assertUploadedChart } from '../../support/chart-images.js';

const DIGEST = 'CDIGEST';
const ZONE = 'Europe/Paris';
const CAMPAIGNS = 40;

/**
 * The daily digest in Slack: 40 campaigns sent on Tue 1 Dec 2026, the daily-digest job fired by the
 * registry at DIGEST_CRON's slot with the fake clock, posted to the managers' channel of the local
 * Slack fake: charts uploaded and shown by slack_file, the campaigns past the first message in
 * thread replies, every payload within Block Kit's limits with a text fallback.
 */
describe('the daily digest posted to the managers’ channel', () => {
  let h: SlackHarness;
  let http: HttpServerHandle;
  const posts = () => h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === DIGEST);
  const blocksOf = (c: { body: Record<string, any> }) => (typeof c.body.blocks === 'string' ? JSON.parse(c.body.blocks) : c.body.blocks) as any[];

  beforeAll(async () => {
    h = await createSlackHarness('embedded', {
      env: { ACCOUNT_TIME_ZONE: ZONE },
      overrides: { pacer: noPacing },
      slack: { digestChannel: DIGEST },
      edge: { poster: { channelIntervalMs: 0 }, chartUpload: { wait: async () => {} } },
    });
    http = createHttpServer(h.t.app.httpDeps(), { publicBaseUrl: null, twilio: null });
    const base = `http://127.0.0.1:${(await http.listen(0, '127.0.0.1')).port}`;
    h.t.app.setPublicBaseUrl(base);
    h.t.app.setChartServiceUrl(base);
    await ok(h.t, 'templates create Promo --channel email --subject "Hi" --text "Hi" --from-email news@example.com');
    await importContacts(h.t, 'Buyers', 'email', ['a@buy.example.com', 'b@buy.example.com']);
    h.t.clock.set(new Date('2026-12-01T09:00:00Z')); // 10:00 in Paris on the 1st
    for (let i = 1; i <= CAMPAIGNS; i++) {
      await ok(h.t, `new --name "Campaign ${i}" --channel email --template Promo --list Buyers`);
      await ok(h.t, `run C-${1000 + i}`);
    }
    await h.t.app.worker.drain();
  }, 180_000);
  afterAll(async () => {
    await http.close();
    await h.close();
  });

  it('the job fires once across two replicas at DIGEST_CRON and posts the day with its charts and thread', async () => {
    const replica = (owner: string) => {
      const registry = createScheduler({ delivery: h.t.app.delivery, claims: h.t.app.stores.jobClaims, owner, tickMs: 60_000 });
      registry.register(
        digestJob(
          { cron: '0 9 * * *', timeZone: ZONE },
          dailyDigest({ deps: { metrics: h.t.app.metricsDeps, activity: h.t.app.periodActivity, clock: h.t.clock }, timeZone: ZONE, publisher: h.edge.digest, notifier: h.t.app.notifications, log: () => {} }),
        ),
      );
      return registry;
    };
    const [a, b] = [replica('test:1:a'), replica('test:2:b')];
    h.t.clock.set(new Date('2026-12-02T08:00:00Z')); // 09:00 in Paris on the 2nd
    const reports = await Promise.all([a.fireDue(), b.fireDue()]);
    const digestRuns = reports.flat().filter((r) => r.name === 'daily-digest');
    expect(digestRuns.map((r) => r.outcome).sort()).toEqual(['claimed_elsewhere', 'ran']);
    expect(digestRuns.find((r) => r.outcome === 'ran')!.error).toBeUndefined();
    await h.edge.settled();

    const sent = posts();
    // 10 campaigns in the first message, 30 more in two replies of 20 and 10.
    expect(sent).toHaveLength(3);
    const [first, ...replies] = sent;
    expect(first!.body.thread_ts).toBeUndefined();
    // Both replies in the first message's thread (the fake answers ts 1700000000.<call number>).
    expect(new Set(replies.map((r) => r.body.thread_ts)).size).toBe(1);
    expect(String(replies[0]!.body.thread_ts)).toMatch(/^1700000000\.\d{6}$/);
    for (const p of sent) assertPostable(p.body);
    expect(first!.body.text).toMatch(/^Daily digest, Tue 1 Dec 2026 \(Europe\/Paris\): 40 campaigns \(new\), 80 sent \(new\), open rate 0\.0 % \(new\)\.$/);

    const blocks = blocksOf(first!);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'Daily digest, Tue 1 Dec 2026 (Europe/Paris)' } });
    const images = blocks.filter((x) => x.type === 'image');
    expect(images.map((x) => x.block_id)).toEqual(['chart-digest-activity-20261201', 'chart-digest-compare-20261201']);
    for (const image of images) {
      const upload = assertUploadedChart(h.slack, image);
      // Shown by file id only: never shared in a channel by the upload.
      expect(upload.channelId).toBe('');
    }
    expect(JSON.stringify(blocks)).toContain('30 more campaigns in the thread (2 replies).');

    // Every campaign exactly once, across the message and its replies.
    const all = sent.map((p) => JSON.stringify(blocksOf(p))).join('\n');
    for (let i = 1; i <= CAMPAIGNS; i++) expect(all.match(new RegExp(`C-${1000 + i} Campaign ${i}\\*`, 'g')), `C-${1000 + i}`).toHaveLength(1);
    expect(replies.map((r) => r.body.text)).toEqual([
      'Daily digest, Tue 1 Dec 2026 (Europe/Paris), campaigns 11–30 of 40 (part 2 of 3).',
      'Daily digest, Tue 1 Dec 2026 (Europe/Paris), campaigns 31–40 of 40 (part 3 of 3).',
    ]);
  });

  it('/campaign digest answers the caller alone, with the charts', async () => {
    const before = posts().length;
    const { responseUrl } = await h.command('digest --date 2026-12-01', USERS.viewer);
    const [answer] = h.slack.responsesTo(responseUrl);
    expect(answer!.body.response_type).toBe('ephemeral');
    expect(answer!.body.text).toMatch(/^Daily digest, Tue 1 Dec 2026 \(Europe\/Paris\): 40 campaigns/);
    const blocks = answer!.body.blocks as any[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocks.filter((x) => x.type === 'image').map((x) => x.block_id)).toEqual(['chart-digest-activity-20261201', 'chart-digest-compare-20261201']);
    expect(posts()).toHaveLength(before);
  });

  it('--post needs a marketer, then posts to the channel and says where', async () => {
    const viewer = await h.command('digest --post', USERS.viewer);
    expect(h.slack.responsesTo(viewer.responseUrl)[0]!.body.text).toMatch(/marketer/);
    const before = posts().length;
    const { responseUrl } = await h.command('digest --date 2026-11-20 --post', USERS.marketer);
    await h.edge.settled();
    expect(h.slack.responsesTo(responseUrl)[0]!.body.text).toBe(`Daily digest, Fri 20 Nov 2026 (Europe/Paris) posted to the managers’ channel (${DIGEST}).`);
    const [empty] = posts().slice(before);
    assertPostable(empty!.body);
    expect(JSON.stringify(blocksOf(empty!))).toContain('No campaign sent on Fri 20 Nov 2026 (Europe/Paris)');
  });
});

describe('--post with Slack but no SLACK_DIGEST_CHANNEL', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await createSlackHarness('embedded');
  });
  afterAll(async () => {
    await h.close();
  });

  it('is refused naming SLACK_DIGEST_CHANNEL, and nothing is posted', async () => {
    const { responseUrl } = await h.command('digest --post', USERS.marketer);
    const [answer] = h.slack.responsesTo(responseUrl);
    expect(answer!.body.response_type).toBe('ephemeral');
    expect(answer!.body.text).toContain('set SLACK_DIGEST_CHANNEL');
    expect(h.slack.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('a bad --date says which part is wrong', async () => {
    const { responseUrl } = await h.command('digest --date 2026-04-31', USERS.viewer);
    expect(h.slack.responsesTo(responseUrl)[0]!.body.text).toContain('2026-04 has 30 days');
  });
});
