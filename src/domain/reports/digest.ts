import { DateTime, IANAZone } from 'luxon';
import { campaignRef } from '../campaign/campaign.js';
import { AppError } from '../errors.js';
import { computeCampaignMetrics, type Figure, type MetricsDeps } from '../metrics/campaign-metrics.js';
import type { ChartSpec } from '../ports/chart-renderer.js';
import type { Clock } from '../ports/clock.js';
import type { PeriodActivityStore } from '../ports/period-activity.js';
import { activityChart, compareFunnelChart, MAX_COMPARED, type ActivityPoint, type FunnelCounts } from './charts.js';

/**
 * The daily digest (issue 12): the campaigns that sent, or had opens, clicks or unsubscribes, on one
 * calendar day of the account's zone, each with its key figures, the day's totals, and how they
 * moved against the day before. Two kinds of figures, each said as such:
 * - the day's activity (sent, human opens, clicks, unsubscribes that day), read from the rows of the
 *   two days only (PeriodActivityStore), compared in % with the day before;
 * - the campaigns' figures as they stand (delivered, open rate, click-through, unsubscribes,
 *   failures, unknown), from the count tables (campaignMetrics), totalled over the day's campaigns
 *   and compared in percentage points with the same totals over the day before's campaigns.
 */

/** One calendar day of the account's zone: 23, 24 or 25 hours long across DST changes. */
export interface DigestPeriod {
  /** `2026-12-01`. */
  day: string;
  /** `Tue 1 Dec 2026`. */
  label: string;
  from: Date;
  to: Date;
  hours: number;
}

/** How a figure moved against the previous period: ▲/▼ with % (counts) or percentage points (rates), `new` where the previous period had none. */
export type Trend = { kind: 'up' | 'down' | 'same'; text: string } | { kind: 'new'; text: 'new' } | { kind: 'none'; text: '' };

/** What happened in a day (counted at the time it happened): sends and human hits. */
export interface DayCounts {
  sent: number;
  opens: number;
  clicks: number;
  unsubscribes: number;
}

/** One of the digest's totals: its value now, the previous period's, and the trend between them. */
export interface DigestTotal {
  key: string;
  label: string;
  kind: 'count' | 'rate';
  value: number | null;
  numerator: number;
  denominator: number | null;
  previous: number | null;
  trend: Trend;
  definition: string;
}

export interface DigestCampaign {
  id: number;
  name: string;
  status: string;
  channel: string;
  /** Why its figures may be incomplete (stopped, cancelled), or null. */
  incomplete: string | null;
  day: DayCounts;
  /** The day's counts against this campaign's own the day before. */
  dayTrend: Record<keyof DayCounts, Trend>;
  /** The key figures (KEY_FIGURES), as the campaign stands: from the count tables. */
  figures: Figure[];
  funnel: FunnelCounts;
}

export interface Digest {
  timeZone: string;
  period: DigestPeriod;
  previous: DigestPeriod;
  /** The day is today: it is not over, its figures are so far. */
  partial: boolean;
  /** Most messages sent that day first. */
  campaigns: DigestCampaign[];
  previousCampaigns: number;
  /** The day's activity and the campaigns' figures, totalled, each with its trend. */
  totals: DigestTotal[];
  /** Every campaign together, one point per hour of the day (zeros included). */
  hourly: ActivityPoint[];
  charts: ChartSpec[];
}

export interface DigestDeps {
  activity: PeriodActivityStore;
  metrics: MetricsDeps;
  clock: Clock;
}

/** The campaign figures a digest shows, in this order. */
export const KEY_FIGURES = ['delivered', 'open_rate', 'click_through_rate', 'unsubscribe_rate', 'failure_rate', 'unknown'] as const;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Campaigns whose figures are read at the same time (the pool has DB_POOL_SIZE connections, 10 by default). */
const FIGURES_AT_ONCE = 4;
const number = new Intl.NumberFormat('en-US');

/**
 * The day a digest covers: `date` (YYYY-MM-DD) in the zone, else yesterday relative to `now`. Its
 * bounds are the zone's midnights, so a DST day is 23 or 25 hours; the previous period is the
 * calendar day before (the same length in calendar terms).
 */
export function digestPeriods(now: Date, timeZone: string, date?: string): { period: DigestPeriod; previous: DigestPeriod } {
  if (!IANAZone.isValidZone(timeZone)) throw new AppError('INVALID_INPUT', `"${timeZone}" is not an IANA time zone such as Europe/Paris.`, { field: 'timeZone' });
  let start: DateTime;
  if (date === undefined) {
    start = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day').minus({ days: 1 });
  } else {
    const m = DAY.exec(date);
    start = m ? DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: timeZone }) : DateTime.invalid('not YYYY-MM-DD');
    if (!start.isValid) throw new AppError('INVALID_INPUT', `--date must be a real day as YYYY-MM-DD, such as 2026-12-01 (got "${date.slice(0, 40)}").`, { field: 'date' });
    if (start.toMillis() > now.getTime()) {
      throw new AppError('INVALID_INPUT', `--date ${date} has not begun yet in ${timeZone}: a digest covers a day that has started (today so far, or one before).`, { field: 'date' });
    }
  }
  return { period: periodOf(start), previous: periodOf(start.minus({ days: 1 })) };
}

function periodOf(start: DateTime): DigestPeriod {
  const end = start.plus({ days: 1 });
  return {
    day: start.toISODate()!,
    label: start.toFormat('ccc d LLL yyyy', { locale: 'en' }),
    from: start.toJSDate(),
    to: end.toJSDate(),
    hours: Math.round(end.diff(start, 'hours').hours),
  };
}

/** Builds the digest of a day: `date` given, or yesterday relative to `now` (default: the injected clock). */
export async function buildDigest(deps: DigestDeps, options: { timeZone: string; date?: string; now?: Date }): Promise<Digest> {
  const now = options.now ?? deps.clock.now();
  const { timeZone } = options;
  const { period, previous } = digestPeriods(now, timeZone, options.date);
  // One read over both days; hours are counted from the previous day's start.
  const rows = await deps.activity.hoursIn(previous.from, period.to);
  const today = new Map<number, DayCounts>();
  const before = new Map<number, DayCounts>();
  const hourly: ActivityPoint[] = Array.from({ length: period.hours }, (_, h) => ({ at: new Date(period.from.getTime() + h * 3_600_000), sent: 0, opens: 0, clicks: 0 }));
  for (const r of rows) {
    const current = r.hour >= previous.hours;
    const into = current ? today : before;
    const counts = into.get(r.campaignId) ?? { sent: 0, opens: 0, clicks: 0, unsubscribes: 0 };
    counts.sent += r.sent;
    counts.opens += r.opens;
    counts.clicks += r.clicks;
    counts.unsubscribes += r.unsubscribes;
    into.set(r.campaignId, counts);
    const point = current ? hourly[r.hour - previous.hours] : undefined;
    if (point) {
      point.sent += r.sent;
      point.opens += r.opens;
      point.clicks += r.clicks;
    }
  }
  const ids = [...new Set([...today.keys(), ...before.keys()])];
  const figures = new Map<number, Awaited<ReturnType<typeof campaignFigures>>>();
  // A few campaigns at a time: each is a handful of small reads of the count tables.
  for (let i = 0; i < ids.length; i += FIGURES_AT_ONCE) {
    const batch = ids.slice(i, i + FIGURES_AT_ONCE);
    const read = await Promise.all(batch.map((id) => campaignFigures(deps.metrics, id)));
    batch.forEach((id, j) => figures.set(id, read[j]!));
  }

  const campaigns: DigestCampaign[] = [...today.entries()].map(([id, day]) => {
    const m = figures.get(id)!;
    const was = before.get(id) ?? { sent: 0, opens: 0, clicks: 0, unsubscribes: 0 };
    return {
      id,
      name: m.name,
      status: m.status,
      channel: m.channel,
      incomplete: m.incomplete,
      day,
      dayTrend: { sent: countTrend(day.sent, was.sent), opens: countTrend(day.opens, was.opens), clicks: countTrend(day.clicks, was.clicks), unsubscribes: countTrend(day.unsubscribes, was.unsubscribes) },
      figures: m.figures,
      funnel: m.funnel,
    };
  });
  campaigns.sort((a, b) => b.day.sent - a.day.sent || b.day.opens - a.day.opens || a.id - b.id);
  const previousIds = [...before.keys()];
  const totals = digestTotals(
    { campaigns: campaigns.length, day: sumCounts([...today.values()]), figures: campaigns.map((c) => c.figures) },
    { campaigns: previousIds.length, day: sumCounts([...before.values()]), figures: previousIds.map((id) => figures.get(id)!.figures) },
  );
  const digest: Digest = { timeZone, period, previous, partial: period.to.getTime() > now.getTime(), campaigns, previousCampaigns: previousIds.length, totals, hourly, charts: [] };
  digest.charts = digestCharts(digest);
  return digest;
}

async function campaignFigures(deps: MetricsDeps, id: number): Promise<{ name: string; status: string; channel: string; incomplete: string | null; figures: Figure[]; funnel: FunnelCounts }> {
  const campaign = await deps.campaigns.get(id);
  // Campaigns are never removed from the database; one that is not found is said, not a failed digest.
  const known = campaign ?? { id, name: `${campaignRef(id)} (not found)`, status: 'unknown', channel: 'email' };
  const m = computeCampaignMetrics({ id, name: known.name, status: known.status, channel: known.channel }, await deps.metrics.countsOf(id));
  const keyed = KEY_FIGURES.map((k) => m.campaign.figures.find((f) => f.key === k)!);
  const of = (k: string) => m.campaign.figures.find((f) => f.key === k)?.numerator ?? 0;
  return { name: m.name, status: m.campaignStatus, channel: m.channel, incomplete: m.incomplete, figures: keyed, funnel: { delivered: of('delivered'), opened: of('unique_opens'), clicked: of('unique_clicks') } };
}

function sumCounts(list: DayCounts[]): DayCounts {
  return list.reduce((t, c) => ({ sent: t.sent + c.sent, opens: t.opens + c.opens, clicks: t.clicks + c.clicks, unsubscribes: t.unsubscribes + c.unsubscribes }), { sent: 0, opens: 0, clicks: 0, unsubscribes: 0 });
}

interface PeriodSide {
  campaigns: number;
  day: DayCounts;
  figures: Figure[][];
}

const DAY_TOTALS: readonly [key: keyof DayCounts, label: string, definition: string][] = [
  ['sent', 'Sent that day', 'messages whose send time falls in the day'],
  ['opens', 'Human opens that day', 'opens by people in the day (bots, scanners and proxies filtered)'],
  ['clicks', 'Human clicks that day', 'clicks by people in the day (bots and scanners filtered)'],
  ['unsubscribes', 'Unsubscribes that day', 'unsubscribes from a message’s link in the day'],
];

/** The totals: the day's activity (trend in %), then the campaigns' figures summed over each day's campaigns (trend in percentage points). */
function digestTotals(now: PeriodSide, before: PeriodSide): DigestTotal[] {
  const totals: DigestTotal[] = [
    { key: 'campaigns', label: 'Campaigns', kind: 'count', value: now.campaigns, numerator: now.campaigns, denominator: null, previous: before.campaigns, trend: countTrend(now.campaigns, before.campaigns), definition: 'campaigns that sent, or had opens, clicks or unsubscribes, in the day' },
  ];
  for (const [key, label, definition] of DAY_TOTALS) {
    totals.push({ key: `day_${key}`, label, kind: 'count', value: now.day[key], numerator: now.day[key], denominator: null, previous: before.day[key], trend: countTrend(now.day[key], before.day[key]), definition });
  }
  for (const key of KEY_FIGURES) {
    const sum = (side: PeriodSide) => {
      const list = side.figures.map((fs) => fs.find((f) => f.key === key)!);
      const numerator = list.reduce((a, f) => a + f.numerator, 0);
      const denominator = list.reduce((a, f) => a + (f.denominator ?? 0), 0);
      return { numerator, denominator, value: denominator > 0 ? numerator / denominator : null, first: list[0] };
    };
    const a = sum(now);
    const b = sum(before);
    const first = a.first ?? b.first;
    const label = first?.label ?? key;
    totals.push({
      key,
      label,
      kind: 'rate',
      value: a.value,
      numerator: a.numerator,
      denominator: a.denominator,
      previous: b.value,
      trend: rateTrend(a.value, b.value),
      definition: `${(first?.definition ?? '').replace(/incl\. [\d,]+ assumed delivered/, 'incl. assumed delivered')}, over the day’s campaigns as they stand`,
    });
  }
  return totals;
}

/** A count against the previous period's: ▲/▼ with the change in %, `new` when the previous had none. */
export function countTrend(now: number, before: number): Trend {
  if (before === 0) return now === 0 ? { kind: 'none', text: '' } : { kind: 'new', text: 'new' };
  const change = ((now - before) / before) * 100;
  if (Math.abs(change) < 0.05) return { kind: 'same', text: '= 0.0 %' };
  return { kind: change > 0 ? 'up' : 'down', text: `${change > 0 ? '▲' : '▼'} ${Math.abs(change).toFixed(1)} %` };
}

/** A rate against the previous period's: ▲/▼ with the difference in percentage points, `new` when the previous had none. */
export function rateTrend(now: number | null, before: number | null): Trend {
  if (now === null) return { kind: 'none', text: '' };
  if (before === null) return { kind: 'new', text: 'new' };
  const change = (now - before) * 100;
  if (Math.abs(change) < 0.05) return { kind: 'same', text: '= 0.0 pp' };
  return { kind: change > 0 ? 'up' : 'down', text: `${change > 0 ? '▲' : '▼'} ${Math.abs(change).toFixed(1)} pp` };
}

/** The day's charts: every campaign's sends and human opens/clicks per hour, and the campaigns' funnels compared (the most sent first). */
function digestCharts(d: Digest): ChartSpec[] {
  if (d.campaigns.length === 0) return [];
  const stem = d.period.day.replace(/-/g, '');
  const partial = d.partial ? 'The day is not over: figures so far.' : undefined;
  const activity = activityChart({
    about: { label: `${d.campaigns.length === 1 ? '1 campaign' : `${d.campaigns.length} campaigns`}, ${d.period.label}`, name: `digest-activity-${stem}` },
    series: { bucket: 'hour', points: d.hourly },
    timeZone: d.timeZone,
    ...(partial ? { note: partial } : {}),
  });
  const compared = d.campaigns.slice(0, MAX_COMPARED);
  const notes = [
    d.campaigns.length > compared.length ? `The ${compared.length} campaigns that sent the most that day, of ${d.campaigns.length}.` : '',
    compared.some((c) => c.incomplete) ? `${compared.filter((c) => c.incomplete).map((c) => campaignRef(c.id)).join(', ')} stopped or cancelled: figures may be incomplete.` : '',
  ].filter(Boolean);
  const compare = compareFunnelChart({ campaigns: compared.map((c) => ({ campaign: { id: c.id, name: c.name }, funnel: c.funnel })), ...(notes.length ? { note: notes.join(' ') } : {}) });
  return [activity, { ...compare, name: `digest-compare-${stem}`, title: `Funnels compared, ${d.period.label}: ${compare.title.replace(/^Funnels compared: /, '')}` }];
}

/** A figure as the digest reads it: a rate with its two counts (`34.1 % (300 ÷ 880)`), a count as a number. */
export function digestValue(f: { kind: string; value: number | null; numerator: number; denominator: number | null }): string {
  if (f.kind === 'rate') return f.value === null ? '—' : `${(f.value * 100).toFixed(1)} % (${number.format(f.numerator)} ÷ ${number.format(f.denominator ?? 0)})`;
  return number.format(f.numerator);
}

/** A total with its trend and the previous period's value: `34.1 % (300 ÷ 880) ▲ 2.1 pp (32.0 % the day before)`. */
export function totalText(t: DigestTotal): string {
  const before = t.previous === null ? '' : t.kind === 'rate' ? `${(t.previous * 100).toFixed(1)} %` : number.format(t.previous);
  const trend = t.trend.kind === 'none' ? '' : t.trend.kind === 'new' ? ' new (none the day before)' : ` ${t.trend.text} (${before} the day before)`;
  return `${digestValue(t)}${trend}`;
}

/** A campaign's day and figures on one line each, plain text (the console, a fallback). */
export function campaignLines(c: DigestCampaign): string[] {
  const trend = (t: Trend) => (t.kind === 'none' ? '' : ` ${t.text}`);
  const f = (key: string) => c.figures.find((x) => x.key === key)!;
  return [
    `${campaignRef(c.id)} "${c.name}" (${c.channel}, ${c.status})${c.incomplete ? ': may be incomplete' : ''}`,
    `that day: sent ${number.format(c.day.sent)}${trend(c.dayTrend.sent)}, human opens ${number.format(c.day.opens)}${trend(c.dayTrend.opens)}, clicks ${number.format(c.day.clicks)}${trend(c.dayTrend.clicks)}, unsubscribes ${number.format(c.day.unsubscribes)}`,
    `as it stands: delivered ${digestValue(f('delivered'))}, open rate ${digestValue(f('open_rate'))}, click-through ${digestValue(f('click_through_rate'))}, unsubscribes ${digestValue(f('unsubscribe_rate'))}, failures ${digestValue(f('failure_rate'))}, unknown ${digestValue(f('unknown'))}`,
  ];
}

/** The digest's title: `Daily digest, Tue 1 Dec 2026 (Europe/Paris)`. */
export function digestTitle(d: Digest): string {
  return `Daily digest, ${d.period.label}${d.partial ? ' so far' : ''} (${d.timeZone})`;
}

/** What an empty day says, rather than nothing. */
export function emptyDayText(d: Digest): string {
  return `No campaign sent on ${d.period.label} (${d.timeZone}), and no opens, clicks or unsubscribes came in that day${d.previousCampaigns ? ` (${d.previousCampaigns} campaign${d.previousCampaigns === 1 ? '' : 's'} the day before)` : ''}.`;
}

/** One line: the notification and Slack's fallback text. */
export function digestSummary(d: Digest): string {
  if (d.campaigns.length === 0) return `${digestTitle(d)}: ${emptyDayText(d)}`;
  const t = (key: string) => d.totals.find((x) => x.key === key)!;
  const trend = (x: DigestTotal) => (x.trend.kind === 'none' ? '' : ` (${x.trend.text})`);
  const open = t('open_rate');
  return (
    `${digestTitle(d)}: ${d.campaigns.length} campaign${d.campaigns.length === 1 ? '' : 's'}${trend(t('campaigns'))}, ` +
    `${number.format(t('day_sent').numerator)} sent${trend(t('day_sent'))}, open rate ${open.value === null ? '—' : `${(open.value * 100).toFixed(1)} %`}${trend(open)}.`
  );
}

/** The whole digest as plain text: the console's notification, and what any edge without Block Kit shows. */
export function digestText(d: Digest): string {
  if (d.campaigns.length === 0) return `${digestTitle(d)}\n${emptyDayText(d)}`;
  const lines = [digestTitle(d), ...d.totals.map((t) => `  ${t.label}: ${totalText(t)}`)];
  for (const c of d.campaigns) lines.push(...campaignLines(c).map((l, i) => (i === 0 ? `- ${l}` : `    ${l}`)));
  lines.push('Rates count human opens and clicks only; trends compare with the day before: counts in %, rates in percentage points (pp).');
  return lines.join('\n');
}
