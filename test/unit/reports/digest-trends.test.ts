import { describe, expect, it } from 'vitest';
import { buildDigest, countTrend, rateTrend } from '../../../src/domain/reports/digest.js';
import { FixedClock } from '../../fakes/fixed-clock.js';

describe('digest trends', () => {
  it('counts move in %, “new” when the day before had none, nothing when neither day had any', () => {
    expect(countTrend(0, 0)).toEqual({ kind: 'none', text: '' });
    expect(countTrend(5, 0)).toEqual({ kind: 'new', text: 'new' });
    expect(countTrend(3, 4)).toEqual({ kind: 'down', text: '▼ 25.0 %' });
    expect(countTrend(0, 4)).toEqual({ kind: 'down', text: '▼ 100.0 %' });
    expect(countTrend(1001, 1000)).toEqual({ kind: 'up', text: '▲ 0.1 %' });
    expect(countTrend(100_000, 100_001)).toEqual({ kind: 'same', text: '= 0.0 %' });
  });

  it('rates move in percentage points, never in % of a %', () => {
    expect(rateTrend(0.25, 0.2)).toEqual({ kind: 'up', text: '▲ 5.0 pp' });
    expect(rateTrend(0.1, 0.4)).toEqual({ kind: 'down', text: '▼ 30.0 pp' });
    expect(rateTrend(0.3, 0.3)).toEqual({ kind: 'same', text: '= 0.0 pp' });
    expect(rateTrend(0.3, null)).toEqual({ kind: 'new', text: 'new' });
    expect(rateTrend(null, 0.3)).toEqual({ kind: 'none', text: '' });
  });
});

describe('a digest of today', () => {
  it('says it is so far, and counts hours from the zone’s midnight', async () => {
    const clock = new FixedClock(new Date('2026-12-01T15:30:00Z')); // 16:30 in Paris
    const seen: [Date, Date][] = [];
    const digest = await buildDigest(
      {
        activity: { hoursIn: async (from, to) => (seen.push([from, to]), [{ campaignId: 7, hour: 24 + 16, sent: 3, opens: 0, clicks: 0, unsubscribes: 0 }]) },
        metrics: {
          metrics: { countsOf: async () => ({ runs: [], status: [], events: [] }), activityOf: async () => ({ sent: [], opens: [], clicks: [] }) },
          campaigns: { get: async () => null },
        },
        clock,
      },
      { timeZone: 'Europe/Paris', date: '2026-12-01' },
    );
    expect(seen).toEqual([[new Date('2026-11-29T23:00:00Z'), new Date('2026-12-01T23:00:00Z')]]);
    expect(digest.partial).toBe(true);
    expect(digest.hourly[16]).toEqual({ at: new Date('2026-12-01T15:00:00Z'), sent: 3, opens: 0, clicks: 0 });
    // A campaign the store no longer knows is said, not a failed digest.
    expect(digest.campaigns.map((c) => c.name)).toEqual(['C-7 (not found)']);
    expect(digest.charts[0]!.altText).toContain('The day is not over: figures so far.');
  });
});
