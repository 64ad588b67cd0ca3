import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import type { ChartSpec } from '../../src/domain/ports/chart-renderer.js';
import { activityChart, bucketFor, compareFunnelChart, funnelChart, MAX_BUCKETS, MAX_COMPARED, PALETTE, type ActivityPoint } from '../../src/domain/reports/charts.js';

const SALE = { id: 12, name: 'Spring sale' };
const at = (iso: string) => new Date(iso);
const point = (iso: string, sent: number, opens: number, clicks: number): ActivityPoint => ({ at: at(iso), sent, opens, clicks });

function datasets(spec: ChartSpec): Record<string, readonly number[]> {
  return Object.fromEntries(spec.config.data.datasets.map((d) => [d.label, d.data]));
}

function invalid(build: () => unknown): AppError {
  try {
    build();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** Plain JSON all the way down: what a QuickChart server receives is exactly what was built. */
function expectJson(spec: ChartSpec): void {
  expect(JSON.parse(JSON.stringify(spec.config))).toEqual(spec.config);
}

describe('activity chart: sends and human opens/clicks over time', () => {
  it('labels hours in the account zone, the day under the first hour of each day, and fills left-out hours with zeros', () => {
    const spec = activityChart({
      campaign: SALE,
      timeZone: 'Europe/Paris',
      // Given out of order, with 10:00Z left out and 09:00Z twice (added up).
      series: { bucket: 'hour', points: [point('2026-12-01T22:00:00Z', 0, 3, 1), point('2026-12-01T08:00:00Z', 500, 40, 5), point('2026-12-01T09:00:00Z', 100, 20, 2), point('2026-12-01T09:00:00Z', 50, 10, 1)] },
    });
    const labels = spec.config.data.labels;
    // 08:00Z is 09:00 in Paris (UTC+1 in December); 22:00Z is 23:00 on the same local day.
    expect(labels.slice(0, 4)).toEqual([['09:00', 'Tue 1 Dec'], '10:00', '11:00', '12:00']);
    expect(labels).toHaveLength(15);
    expect(labels.at(-1)).toBe('23:00');
    const d = datasets(spec);
    expect(d.Sent!.slice(0, 3)).toEqual([500, 150, 0]);
    expect(d['Human opens']!.slice(0, 3)).toEqual([40, 30, 0]);
    expect(d['Human clicks']!.at(-1)).toBe(1);
    expect(d.Sent!.reduce((a, b) => a + b)).toBe(650);
    expect(spec.config.options).toMatchObject({
      plugins: {
        title: { text: 'Sends, human opens and clicks per hour: C-12 Spring sale' },
        subtitle: { text: ['1 Dec 2026 09:00 to 2 Dec 2026 00:00 (Europe/Paris); opens and clicks by people only (machine opens and filtered clicks left out)'] },
      },
      scales: { x: { title: { text: 'Hour (Europe/Paris)' } } },
    });
    expect(spec.name).toBe('activity-c12');
    expect(spec.altText).toBe('Sends, human opens and clicks per hour: C-12 Spring sale. 1 Dec 2026 09:00 to 2 Dec 2026 00:00 (Europe/Paris). In total 650 sent, 73 human opens, 9 human clicks.');
    expectJson(spec);
  });

  it('draws sends as bars and opens and clicks as lines drawn over them, each in its own colour', () => {
    const spec = activityChart({ campaign: SALE, timeZone: 'UTC', series: { bucket: 'hour', points: [point('2026-12-01T08:00:00Z', 1, 1, 1)] } });
    const [sent, opens, clicks] = spec.config.data.datasets;
    expect([sent!.type, opens!.type, clicks!.type]).toEqual(['bar', 'line', 'line']);
    expect(new Set([sent!.backgroundColor, opens!.borderColor, clicks!.borderColor]).size).toBe(3);
    expect(opens!.order!).toBeLessThan(sent!.order!);
  });

  it('steps days in the zone’s calendar across a DST change (a 25-hour day is one bucket)', () => {
    // Paris leaves summer time on Sunday 25 Oct 2026: local midnights are 22:00Z, 22:00Z, then 23:00Z.
    const spec = activityChart({ campaign: SALE, timeZone: 'Europe/Paris', series: { bucket: 'day', points: [point('2026-10-23T22:00:00Z', 10, 1, 0), point('2026-10-25T23:00:00Z', 30, 3, 1)] } });
    expect(spec.config.data.labels).toEqual(['Sat 24 Oct', 'Sun 25 Oct', 'Mon 26 Oct']);
    expect(datasets(spec).Sent).toEqual([10, 0, 30]);
    expect(spec.altText).toContain('24 Oct 2026 to 26 Oct 2026 (Europe/Paris)');
  });

  it('shows the repeated hour of a DST change as it was lived (02:00 twice)', () => {
    const spec = activityChart({ campaign: SALE, timeZone: 'Europe/Paris', series: { bucket: 'hour', points: [point('2026-10-25T00:00:00Z', 1, 0, 0), point('2026-10-25T02:00:00Z', 1, 0, 0)] } });
    expect(spec.config.data.labels).toEqual([['02:00', 'Sun 25 Oct'], '02:00', '03:00']);
  });

  it('writes its dates from the series only: the same input gives the same chart', () => {
    const input = { campaign: SALE, timeZone: 'America/New_York', series: { bucket: 'day' as const, points: [point('2026-12-01T05:00:00Z', 3, 2, 1)] } };
    expect(activityChart(input)).toEqual(activityChart(input));
    expect(activityChart(input).config.data.labels).toEqual(['Tue 1 Dec']);
  });

  it('says when there is no activity yet, and carries a caveat on its own subtitle line and in the alt text', () => {
    const spec = activityChart({ campaign: SALE, timeZone: 'UTC', series: { bucket: 'hour', points: [] }, note: 'Cancelled: these figures may be incomplete.' });
    expect(spec.config.data.labels).toEqual([]);
    expect((spec.config.options.plugins as { subtitle: { text: string[] } }).subtitle.text).toEqual(['no activity yet; opens and clicks by people only (machine opens and filtered clicks left out)', 'Cancelled: these figures may be incomplete.']);
    expect(spec.altText).toMatch(/In total 0 sent, 0 human opens, 0 human clicks\. Cancelled: these figures may be incomplete\.$/);
  });

  it('refuses more buckets than a chart can show, an unknown zone and counts that are not whole numbers of at least 0', () => {
    const tooLong = invalid(() => activityChart({ campaign: SALE, timeZone: 'UTC', series: { bucket: 'hour', points: [point('2026-01-01T00:00:00Z', 1, 0, 0), point('2026-12-01T00:00:00Z', 1, 0, 0)] } }));
    expect(tooLong.code).toBe('INVALID_INPUT');
    expect(tooLong.message).toMatch(new RegExp(`more than the ${MAX_BUCKETS} a chart can show: use day buckets`));
    expect(invalid(() => activityChart({ campaign: SALE, timeZone: 'Mars/Olympus', series: { bucket: 'day', points: [] } })).message).toBe('"Mars/Olympus" is not an IANA time zone such as Europe/Paris.');
    expect(invalid(() => activityChart({ campaign: SALE, timeZone: 'UTC', series: { bucket: 'day', points: [point('2026-12-01T00:00:00Z', -1, 0, 0)] } })).message).toBe('series.sent must be a whole number of at least 0, not -1.');
    expect(invalid(() => activityChart({ campaign: SALE, timeZone: 'UTC', series: { bucket: 'day', points: [point('2026-12-01T00:00:00Z', 1, 0.5, 0)] } })).details).toEqual({ field: 'series.opens' });
    // The limit itself fits.
    const points = Array.from({ length: MAX_BUCKETS }, (_, i) => ({ at: new Date(Date.UTC(2026, 0, 1, i)), sent: 1, opens: 0, clicks: 0 }));
    expect(activityChart({ campaign: SALE, timeZone: 'UTC', series: { bucket: 'hour', points } }).config.data.labels).toHaveLength(MAX_BUCKETS);
  });

  it('picks hours up to three days and days beyond', () => {
    expect(bucketFor(at('2026-12-01T00:00:00Z'), at('2026-12-04T00:00:00Z'))).toBe('hour');
    expect(bucketFor(at('2026-12-01T00:00:00Z'), at('2026-12-04T00:00:01Z'))).toBe('day');
  });
});

describe('funnel chart: delivered → opened → clicked', () => {
  it('shows unique recipients per stage with each stage’s share of delivered under its name', () => {
    const spec = funnelChart({ campaign: SALE, funnel: { delivered: 980, opened: 400, clicked: 75 } });
    expect(spec.config.type).toBe('bar');
    expect(spec.config.data.labels).toEqual([['Delivered', '980'], ['Opened', '400 (40.8%)'], ['Clicked', '75 (7.7%)']]);
    expect(datasets(spec)).toEqual({ Recipients: [980, 400, 75] });
    expect(spec.altText).toBe('Funnel: C-12 Spring sale. 980 delivered, 400 opened (40.8% of delivered), 75 clicked (7.7% of delivered).');
    expect(spec.name).toBe('funnel-c12');
    expectJson(spec);
  });

  it('writes n/a, not a division by zero, when nothing was delivered', () => {
    const spec = funnelChart({ campaign: SALE, funnel: { delivered: 0, opened: 0, clicked: 0 } });
    expect(spec.config.data.labels).toEqual([['Delivered', '0'], ['Opened', '0 (n/a)'], ['Clicked', '0 (n/a)']]);
  });

  it('refuses counts that are not whole numbers, naming the field', () => {
    expect(invalid(() => funnelChart({ campaign: SALE, funnel: { delivered: 10, opened: Number.NaN, clicked: 0 } })).message).toBe('funnel.opened must be a whole number of at least 0, not NaN.');
  });
});

describe('funnels compared side by side', () => {
  const two = [
    { campaign: SALE, funnel: { delivered: 980, opened: 400, clicked: 75 } },
    { campaign: { id: 13, name: 'A very long campaign name that goes on and on past forty characters' }, funnel: { delivered: 50, opened: 30, clicked: 2 } },
  ];

  it('compares by share of each campaign’s delivered, one colour per campaign, delivered counts in the legend', () => {
    const spec = compareFunnelChart({ campaigns: two });
    expect(spec.config.data.labels).toEqual(['Delivered', 'Opened', 'Clicked']);
    expect(spec.config.data.datasets.map((d) => [d.label, d.data, d.backgroundColor])).toEqual([
      ['C-12 Spring sale: 980 delivered', [100, 40.8, 7.7], PALETTE[0]],
      ['C-13 A very long campaign name that goes on…: 50 delivered', [100, 60, 4], PALETTE[1]],
    ]);
    expect(spec.config.options).toMatchObject({ scales: { y: { max: 100, title: { text: '% of delivered' } } } });
    expect(spec.name).toBe('compare-funnel-c12-c13');
    expect(spec.altText).toBe('Funnels compared: C-12, C-13. C-12 Spring sale: 980 delivered, 40.8% opened, 7.7% clicked; C-13 A very long campaign name that goes on…: 50 delivered, 60.0% opened, 4.0% clicked.');
    expectJson(spec);
  });

  it('refuses no campaigns and more campaigns than it has colours', () => {
    expect(invalid(() => compareFunnelChart({ campaigns: [] })).message).toBe('A comparison needs at least one campaign.');
    const many = Array.from({ length: MAX_COMPARED + 1 }, (_, i) => ({ campaign: { id: i + 1, name: `c${i}` }, funnel: { delivered: 1, opened: 0, clicked: 0 } }));
    expect(invalid(() => compareFunnelChart({ campaigns: many })).message).toBe(`A chart compares at most ${MAX_COMPARED} campaigns (one colour each); ${MAX_COMPARED + 1} were given.`);
    expect(invalid(() => compareFunnelChart({ campaigns: [{ campaign: SALE, funnel: { delivered: 1, opened: 0, clicked: -2 } }] })).details).toEqual({ field: 'campaigns[0].funnel.clicked' });
  });
});
