import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../src/domain/campaign/campaign.js';
import type { MetricsStore } from '../../../src/domain/ports/metrics-store.js';
import type { HourActivityRow } from '../../../src/domain/ports/period-activity.js';
import { buildDigest } from '../../../src/domain/reports/digest.js';
import { digestMessages, FIRST_MESSAGE_CAMPAIGNS, REPLY_CAMPAIGNS } from '../../../src/slack/blocks/digest-message.js';
import { assertPostable } from '../../support/block-kit-limits.js';
import { FixedClock } from '../../fakes/fixed-clock.js';

/** A digest of `n` campaigns with long, markup-laden names, from in-memory stores (no database). */
async function digestOf(n: number) {
  const name = (id: number) => `<!channel> *Campaign* ${id} & "friends" ${'x'.repeat(400)}`;
  const rows: HourActivityRow[] = [];
  // Hours are counted from the previous day's start: 24 + h is hour h of the digest's day (UTC here).
  for (let id = 1; id <= n; id++) rows.push({ campaignId: id, hour: 24 + (id % 24), sent: 1000 + id, opens: id, clicks: id % 7, unsubscribes: id % 3 });
  const metrics: MetricsStore = {
    countsOf: async (id) => ({
      runs: [{ id, number: 1, status: 'completed' }],
      status: [
        { runId: id, variant: '', status: 'delivered', category: '', count: 1000 + id, segments: 0, costMicros: 0 },
        { runId: id, variant: '', status: 'failed', category: 'rejected', count: id % 5, segments: 0, costMicros: 0 },
      ],
      events: [{ runId: id, variant: '', metric: 'open:human:unique', count: id }],
    }),
    activityOf: async () => ({ sent: [], opens: [], clicks: [] }),
  };
  const campaigns = { get: async (id: number) => ({ id, name: name(id), status: id % 10 === 0 ? 'stopped' : 'completed', channel: 'email' }) as unknown as Campaign };
  return buildDigest({ activity: { hoursIn: async () => rows }, metrics: { metrics, campaigns }, clock: new FixedClock(new Date('2026-12-02T08:00:00Z')) }, { timeZone: 'UTC' });
}

describe('the digest as Slack messages', () => {
  it.each([1, 10, 11, 40, 250])('%i campaigns: every message within Block Kit limits, each campaign once, the rest in replies', async (n) => {
    const digest = await digestOf(n);
    const charts = { blocks: [], missing: [{ title: 'Sends per hour', reason: 'x'.repeat(3000) }] };
    const messages = digestMessages(digest, charts);
    const replies = Math.ceil(Math.max(0, n - FIRST_MESSAGE_CAMPAIGNS) / REPLY_CAMPAIGNS);
    expect(messages).toHaveLength(1 + replies);
    for (const m of messages) assertPostable(m);
    const all = messages.map((m) => JSON.stringify(m.blocks)).join('\n');
    for (let id = 1; id <= n; id++) expect(all.match(new RegExp(`C-${id} &lt;!channel&gt;`, 'g')), `C-${id}`).toHaveLength(1);
    // Names are escaped: no @channel ping, no stray markup from a campaign's name.
    expect(all).not.toContain('<!channel>');
    if (replies) expect(JSON.stringify(messages[0]!.blocks)).toContain(`${n - FIRST_MESSAGE_CAMPAIGNS} more campaign`);
  });

  it('an empty day is one message saying so', async () => {
    const digest = await digestOf(0);
    const [only, ...rest] = digestMessages(digest);
    expect(rest).toEqual([]);
    assertPostable(only!);
    expect(only!.text).toBe('Daily digest, Tue 1 Dec 2026 (UTC): No campaign sent on Tue 1 Dec 2026 (UTC), and no opens, clicks or unsubscribes came in that day.');
  });
});
