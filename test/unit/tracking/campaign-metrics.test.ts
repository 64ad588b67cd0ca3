import { describe, expect, it } from 'vitest';
import { computeCampaignMetrics, type Figure } from '../../../src/domain/metrics/campaign-metrics.js';
import type { EventCountRow, StatusCountRow } from '../../../src/domain/ports/metrics-store.js';

const st = (runId: number, status: string, count: number, over: Partial<StatusCountRow> = {}): StatusCountRow => ({ runId, variant: '', status, category: '', count, segments: 0, costMicros: 0, ...over });
const ev = (runId: number, metric: string, count: number, variant = ''): EventCountRow => ({ runId, variant, metric, count });
const fig = (figures: Figure[], key: string) => figures.find((f) => f.key === key)!;

describe('computeCampaignMetrics: figures from the count rows, checked by hand', () => {
  // Run 1 (A/B): A has 600 delivered, 20 bounced, 10 failed (timeout), 5 failed (configuration);
  // B has 300 delivered, 40 assumed delivered... (email has none: B has 300 delivered, 25 unknown).
  // Run 2: 100 delivered, 10 queued still.
  const status: StatusCountRow[] = [
    st(11, 'delivered', 600, { variant: 'A' }),
    st(11, 'bounced', 20, { variant: 'A' }),
    st(11, 'failed', 10, { variant: 'A', category: 'timeout' }),
    st(11, 'failed', 5, { variant: 'A', category: 'configuration' }),
    st(11, 'delivered', 300, { variant: 'B' }),
    st(11, 'unknown', 25, { variant: 'B' }),
    st(11, 'complained', 2, { variant: 'B' }),
    st(12, 'delivered', 100),
    st(12, 'queued', 10),
    st(12, 'opted_out', 3),
  ];
  const events: EventCountRow[] = [
    ev(11, 'open:human', 400, 'A'), ev(11, 'open:human:unique', 240, 'A'), ev(11, 'open:privacy_proxy', 150, 'A'),
    ev(11, 'click:human', 90, 'A'), ev(11, 'click:human:unique', 60, 'A'), ev(11, 'click:scanner', 30, 'A'),
    ev(11, 'reason:click:scanner_agent', 18, 'A'), ev(11, 'reason:click:scanner_all_links', 12, 'A'), ev(11, 'reason:open:privacy_proxy', 150, 'A'),
    ev(11, 'open:human', 100, 'B'), ev(11, 'open:human:unique', 90, 'B'), ev(11, 'click:human:unique', 9, 'B'), ev(11, 'click:human', 9, 'B'),
    ev(11, 'click:bot_window', 4, 'B'), ev(11, 'reason:click:bot_window', 4, 'B'), ev(11, 'unsubscribe', 6, 'B'),
    ev(12, 'open:human:unique', 20), ev(12, 'open:human', 25), ev(12, 'unsubscribe', 1),
  ];
  const runs = [{ id: 11, number: 1, status: 'completed' }, { id: 12, number: 2, status: 'sending' }];
  const m = computeCampaignMetrics({ id: 1042, status: 'sending', channel: 'email' }, { runs, status, events });

  it('campaign totals', () => {
    const f = m.campaign.figures;
    // Messages: 600+20+10+5+300+25+2+100+10+3 = 1075; delivered 600+300+100 = 1000.
    expect(fig(f, 'delivered')).toMatchObject({ value: 1000 / 1075, numerator: 1000, denominator: 1075 });
    // Unique human opens 240+90+20 = 350 of 1000 delivered.
    expect(fig(f, 'open_rate')).toMatchObject({ value: 0.35, numerator: 350, denominator: 1000, definition: 'unique human opens ÷ delivered' });
    // Unique human clicks 60+9 = 69.
    expect(fig(f, 'click_through_rate')).toMatchObject({ value: 0.069, numerator: 69, denominator: 1000 });
    expect(fig(f, 'click_to_open_rate')).toMatchObject({ numerator: 69, denominator: 350 });
    expect(fig(f, 'click_to_open_rate').value).toBeCloseTo(69 / 350, 12);
    expect(fig(f, 'unsubscribe_rate')).toMatchObject({ value: 0.007, numerator: 7, denominator: 1000 });
    expect(fig(f, 'total_opens').value).toBe(525);
    expect(fig(f, 'unique_opens').value).toBe(350);
    expect(fig(f, 'total_clicks').value).toBe(99);
    expect(fig(f, 'machine_opens').value).toBe(150);
    expect(fig(f, 'filtered_clicks').value).toBe(34);
    // Attempted: every status but queued, sending, opted_out, retrying: 1075 - 10 - 3 = 1062.
    expect(fig(f, 'bounce_rate')).toMatchObject({ numerator: 20, denominator: 1062 });
    expect(fig(f, 'failure_rate')).toMatchObject({ numerator: 15, denominator: 1062 });
    expect(fig(f, 'unknown')).toMatchObject({ numerator: 25, denominator: 1062 });
    expect(fig(f, 'complaint_rate')).toMatchObject({ numerator: 2, denominator: 1002 });
    expect(m.campaign.failuresByCategory).toEqual({ timeout: 10, configuration: 5 });
    expect(m.campaign.statusCounts).toEqual({ delivered: 1000, bounced: 20, failed: 15, unknown: 25, complained: 2, queued: 10, opted_out: 3 });
    expect(m.campaign.filtered.map((r) => [r.rule, r.opens, r.clicks])).toEqual([
      ['scanner_agent', 0, 18],
      ['privacy_proxy', 150, 0],
      ['bot_window', 0, 4],
      ['scanner_all_links', 0, 12],
    ]);
    expect(f.find((x) => x.key === 'sms_cost')).toBeUndefined();
    expect(m.incomplete).toBeNull();
  });

  it('per run and per variant', () => {
    const [r1, r2] = m.runs;
    expect(fig(r1!.figures, 'open_rate')).toMatchObject({ numerator: 330, denominator: 900 });
    expect(fig(r2!.figures, 'open_rate')).toMatchObject({ numerator: 20, denominator: 100, value: 0.2 });
    const [a, b] = m.variants;
    expect(a!.variant).toBe('A');
    expect(fig(a!.figures, 'open_rate')).toMatchObject({ numerator: 240, denominator: 600, value: 0.4 });
    expect(fig(b!.figures, 'click_through_rate')).toMatchObject({ numerator: 9, denominator: 300, value: 0.03 });
  });

  it('a rate over nothing is null, not 0 or NaN', () => {
    const empty = computeCampaignMetrics({ id: 1, status: 'ready', channel: 'email' }, { runs: [], status: [], events: [] });
    expect(fig(empty.campaign.figures, 'open_rate')).toMatchObject({ value: null, numerator: 0, denominator: 0 });
  });

  it('a stopped or cancelled campaign says its figures may be incomplete (seed 002)', () => {
    for (const s of ['stopped', 'cancelled']) {
      const x = computeCampaignMetrics({ id: 7, status: s, channel: 'email' }, { runs, status, events });
      expect(x.incomplete).toContain(`C-7 was ${s}`);
      expect(x.campaign.mayBeIncomplete).toBe(true);
      expect(x.runs.every((r) => r.mayBeIncomplete)).toBe(true);
    }
    const oneRun = computeCampaignMetrics({ id: 7, status: 'completed', channel: 'email' }, { runs: [{ id: 11, number: 1, status: 'stopped' }], status, events });
    expect(oneRun.runs[0]!.mayBeIncomplete).toBe(true);
    expect(oneRun.incomplete).toContain('A run of C-7');
  });

  it('SMS: assumed delivered count as delivered; segments and cost summed', () => {
    const sms = computeCampaignMetrics(
      { id: 9, status: 'completed', channel: 'sms' },
      {
        runs: [{ id: 1, number: 1, status: 'completed' }],
        status: [st(1, 'delivered', 70, { segments: 140, costMicros: 1_106_000 }), st(1, 'assumed_delivered', 30, { segments: 30, costMicros: 237_000 }), st(1, 'failed', 5, { category: 'invalid_number', segments: 0 })],
        events: [ev(1, 'click:human:unique', 12)],
      },
    );
    const f = sms.campaign.figures;
    // Delivered 70 + 30 = 100 of 105; segments 170; cost 1.106 + 0.237 = 1.343.
    expect(fig(f, 'delivered')).toMatchObject({ numerator: 100, denominator: 105 });
    expect(fig(f, 'delivered').definition).toContain('30 assumed delivered');
    expect(fig(f, 'click_through_rate')).toMatchObject({ value: 0.12 });
    expect(fig(f, 'sms_segments').value).toBe(170);
    expect(fig(f, 'sms_cost')).toMatchObject({ kind: 'money', value: 1_343_000, denominator: 170 });
  });
});
