import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/commands/command-context.js';
import { compareCommand, statsCommand } from '../../../src/commands/report-commands.js';
import type { EventCountRow, MetricsStore, RunRow, StatusCountRow } from '../../../src/domain/ports/metrics-store.js';
import { renderText } from '../../../src/console/render-text.js';

const st = (runId: number, status: string, count: number): StatusCountRow => ({ runId, variant: '', status, category: '', count, segments: 0, costMicros: 0 });
const ev = (runId: number, metric: string, count: number): EventCountRow => ({ runId, variant: '', metric, count });

// C-1001 "Spring" (completed): 80 delivered, 20 bounced (100 messages); 40 unique human opens
//   (55 total), 10 unique human clicks; 5 machine opens.
// C-1002 "Autumn" (stopped): 200 delivered, 0 other; 50 unique opens, 25 unique clicks, 4 unsubscribes.
const counts: Record<number, { runs: RunRow[]; status: StatusCountRow[]; events: EventCountRow[] }> = {
  1001: {
    runs: [{ id: 1, number: 1, status: 'completed' }],
    status: [st(1, 'delivered', 80), st(1, 'bounced', 20)],
    events: [ev(1, 'open:human:unique', 40), ev(1, 'open:human', 55), ev(1, 'click:human:unique', 10), ev(1, 'click:human', 12), ev(1, 'open:privacy_proxy', 5)],
  },
  1002: {
    runs: [{ id: 2, number: 1, status: 'stopped' }],
    status: [st(2, 'delivered', 200)],
    events: [ev(2, 'open:human:unique', 50), ev(2, 'open:human', 60), ev(2, 'click:human:unique', 25), ev(2, 'click:human', 30), ev(2, 'unsubscribe', 4)],
  },
};
const campaigns: Record<number, { id: number; name: string; status: string; channel: string }> = {
  1001: { id: 1001, name: 'Spring', status: 'completed', channel: 'email' },
  1002: { id: 1002, name: 'Autumn', status: 'stopped', channel: 'email' },
};
const metrics: MetricsStore = {
  countsOf: async (id) => counts[id]!,
  activityOf: async () => ({ sent: [{ at: new Date('2026-11-22T10:00:00Z'), count: 80 }], opens: [{ at: new Date('2026-11-22T11:00:00Z'), count: 40 }], clicks: [] }),
};
const ctx = {
  deps: { config: { accountTimeZone: 'Europe/Paris' } },
  metricsDeps: { metrics, campaigns: { get: async (id: number) => campaigns[id] ?? null } },
} as unknown as CommandContext;

describe('compare: campaigns side by side, the same definitions, counts computed by hand', () => {
  it('shows each figure per campaign with its numerator ÷ denominator and one definition', async () => {
    const r = await compareCommand(ctx, { name: 'compare', campaignIds: [1001, 1002] });
    expect(r.ok).toBe(true);
    const table = r.blocks.find((b) => b.type === 'table') as { columns: string[]; rows: string[][] };
    expect(table.columns).toEqual(['Figure', 'C-1001', 'C-1002', 'How it is computed (the same for each)']);
    const row = (label: string) => table.rows.find((x) => x[0] === label)!;
    expect(row('Campaign')).toEqual(['Campaign', 'Spring', 'Autumn', '']);
    // Delivered: 80 of 100; 200 of 200.
    expect(row('Delivered')).toEqual(['Delivered', '80.0 % (80 ÷ 100)', '100.0 % (200 ÷ 200)', 'delivered messages (incl. assumed delivered: SMS with no receipt by the timeout) ÷ all messages']);
    // Open rate: 40 ÷ 80 = 50 %; 50 ÷ 200 = 25 %.
    expect(row('Open rate')).toEqual(['Open rate', '50.0 % (40 ÷ 80)', '25.0 % (50 ÷ 200)', 'unique human opens ÷ delivered']);
    // Click-through: 10 ÷ 80 = 12.5 %; 25 ÷ 200 = 12.5 %. Click-to-open: 10 ÷ 40 = 25 %; 25 ÷ 50 = 50 %.
    expect(row('Click-through rate')).toEqual(['Click-through rate', '12.5 % (10 ÷ 80)', '12.5 % (25 ÷ 200)', 'unique human clicks ÷ delivered']);
    expect(row('Click-to-open rate')).toEqual(['Click-to-open rate', '25.0 % (10 ÷ 40)', '50.0 % (25 ÷ 50)', 'unique human clicks ÷ unique human opens']);
    // Unsubscribes: 0 ÷ 80; 4 ÷ 200 = 2 %. Bounces: 20 of 100 attempted; 0 of 200.
    expect(row('Unsubscribe rate').slice(1, 3)).toEqual(['0.0 % (0 ÷ 80)', '2.0 % (4 ÷ 200)']);
    expect(row('Bounces').slice(1, 3)).toEqual(['20.0 % (20 ÷ 100)', '0.0 % (0 ÷ 200)']);
    expect(row('Total opens').slice(1, 3)).toEqual(['55', '60']);
    expect(row('Machine opens').slice(1, 3)).toEqual(['5', '0']);
    // Email only: no SMS rows.
    expect(table.rows.some((x) => x[0] === 'SMS segments')).toBe(false);
  });

  it('flags the stopped campaign as maybe incomplete, and only that one', async () => {
    const r = await compareCommand(ctx, { name: 'compare', campaignIds: [1001, 1002] });
    const warnings = r.blocks.filter((b) => b.type === 'warning').map((b) => (b as { text: string }).text);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^C-1002 was stopped: .*may be incomplete/);
    const table = r.blocks.find((b) => b.type === 'table') as { rows: string[][] };
    expect(table.rows.find((x) => x[0] === 'Status')).toEqual(['Status', 'completed', 'stopped (may be incomplete)', '']);
    expect(r.text).toBe('Compare C-1001, C-1002: C-1001 open rate 50.0 %, C-1002 open rate 25.0 % (may be incomplete).');
  });

  it('carries a compare funnel chart: shares of each campaign’s delivered', async () => {
    const r = await compareCommand(ctx, { name: 'compare', campaignIds: [1001, 1002] });
    expect(r.charts).toHaveLength(1);
    const chart = r.charts![0]!;
    expect(chart.name).toBe('compare-funnel-c1001-c1002');
    // Opened 40/80 = 50 %, clicked 10/80 = 12.5 %; 50/200 = 25 %, 25/200 = 12.5 %.
    expect(chart.config.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ['C-1001 Spring: 80 delivered', [100, 50, 12.5]],
      ['C-1002 Autumn: 200 delivered', [100, 25, 12.5]],
    ]);
    expect(chart.altText).toContain('C-1002 stopped or cancelled: figures may be incomplete.');
  });

  it('refuses an unknown campaign and more campaigns than a chart has colours', async () => {
    const missing = compareCommand(ctx, { name: 'compare', campaignIds: [1001, 1009] });
    await expect(missing).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const many = compareCommand(ctx, { name: 'compare', campaignIds: Array.from({ length: 11 }, (_, i) => 1001 + i) });
    await expect(many).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'campaignIds' } });
  });

  it('renders in the console with each column', async () => {
    const text = renderText(await compareCommand(ctx, { name: 'compare', campaignIds: [1001, 1002] }));
    expect(text).toContain('50.0 % (40 ÷ 80)');
    expect(text).toContain('25.0 % (50 ÷ 200)');
  });
});

describe('stats carries its charts: activity over time and the funnel', () => {
  it('activity from the time series, funnel from the figures', async () => {
    const r = await statsCommand(ctx, { name: 'stats', campaignId: 1001 });
    expect(r.charts!.map((c) => c.name)).toEqual(['activity-c1001', 'funnel-c1001']);
    const [activity, funnel] = r.charts!;
    // Hours 11:00 and 12:00 in Paris (UTC+1 in November): 80 sent at the first, 40 opens at the second.
    expect(activity!.config.data.labels).toEqual([['11:00', 'Sun 22 Nov'], '12:00']);
    expect(activity!.config.data.datasets.map((d) => d.data)).toEqual([[80, 0], [0, 40], [0, 0]]);
    expect(funnel!.config.data.datasets[0]!.data).toEqual([80, 40, 10]);
  });
});
