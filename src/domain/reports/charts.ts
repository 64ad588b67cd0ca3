import { DateTime, IANAZone } from 'luxon';
import { campaignRef } from '../campaign/campaign.js';
import { AppError } from '../errors.js';
import type { ChartConfig, ChartDataset, ChartSpec } from '../ports/chart-renderer.js';

/** How long one bucket of an activity series is. Days are calendar days of the account's zone. */
export type BucketSize = 'hour' | 'day';

/** What happened in one bucket, counted by the metrics: human opens and clicks only (machine opens and filtered clicks are not here). */
export interface ActivityPoint {
  /** The bucket's start. */
  at: Date;
  sent: number;
  opens: number;
  clicks: number;
}

/** Buckets of one size; empty buckets may be left out (they are drawn as zeros, never skipped). */
export interface ActivitySeries {
  bucket: BucketSize;
  points: readonly ActivityPoint[];
}

/** Unique recipients at each stage: delivered (incl. assumed), with a human open, with a human click. */
export interface FunnelCounts {
  delivered: number;
  opened: number;
  clicked: number;
}

/** The campaign a chart is about, as people know it. */
export interface ChartCampaign {
  id: number;
  name: string;
}

export interface ActivityChartInput {
  /** The campaign charted; absent when the chart is about several (then `about` names them). */
  campaign?: ChartCampaign;
  /** What the chart is about when it is not one campaign (the daily digest: every campaign of a day): its title's end and file-name stem. */
  about?: { label: string; name: string };
  series: ActivitySeries;
  /** The account's IANA zone: every date and hour on the chart is written in it. */
  timeZone: string;
  /** A caveat shown under the title (a stopped campaign's figures may be incomplete). */
  note?: string;
}

export interface FunnelChartInput {
  campaign: ChartCampaign;
  funnel: FunnelCounts;
  note?: string;
}

export interface CompareFunnelChartInput {
  campaigns: readonly { campaign: ChartCampaign; funnel: FunnelCounts }[];
  note?: string;
}

export const CHART_WIDTH = 900;
export const CHART_HEIGHT = 450;
/** Beyond this many bars a bar is under 2 px wide at CHART_WIDTH: ask for bigger buckets instead. */
export const MAX_BUCKETS = 400;
/** One colour each, told apart by colour-blind readers too (Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;
export const MAX_COMPARED = PALETTE.length;

const SENT_COLOUR = '#4e79a7';
const OPEN_COLOUR = '#f28e2b';
const CLICK_COLOUR = '#59a14f';
const NAME_CHARS = 40;

const count = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** The bucket that keeps a span readable: hours up to three days, days beyond. */
export function bucketFor(from: Date, to: Date): BucketSize {
  return to.getTime() - from.getTime() <= 72 * 3_600_000 ? 'hour' : 'day';
}

/**
 * "Sends and human opens/clicks over time": sends as bars, opens and clicks as lines over them, one
 * category per bucket labelled in the account's zone (a missing bucket is a zero, so a quiet night
 * shows as one). The dates come from the series only, never from the clock.
 */
export function activityChart(input: ActivityChartInput): ChartSpec {
  const { campaign, series, timeZone } = input;
  if (!campaign && !input.about) throw new AppError('INVALID_INPUT', 'An activity chart is about a campaign or names what it is about.', { field: 'campaign' });
  if (!IANAZone.isValidZone(timeZone)) throw new AppError('INVALID_INPUT', `"${timeZone}" is not an IANA time zone such as Europe/Paris.`, { field: 'timeZone' });
  for (const p of series.points) for (const key of ['sent', 'opens', 'clicks'] as const) checkCount(p[key], `series.${key}`);
  const buckets = fillGaps(series, timeZone);
  if (buckets.length > MAX_BUCKETS) {
    throw new AppError('INVALID_INPUT', `The series has ${buckets.length} ${series.bucket} buckets, more than the ${MAX_BUCKETS} a chart can show: use ${series.bucket === 'hour' ? 'day' : 'longer'} buckets.`, { field: 'series', buckets: buckets.length, max: MAX_BUCKETS });
  }
  const per = series.bucket === 'hour' ? 'hour' : 'day';
  const title = `Sends, human opens and clicks per ${per}: ${campaign ? campaignLabel(campaign) : input.about!.label}`;
  const totals = buckets.reduce((t, b) => ({ sent: t.sent + b.sent, opens: t.opens + b.opens, clicks: t.clicks + b.clicks }), { sent: 0, opens: 0, clicks: 0 });
  const span = buckets.length === 0 ? 'no activity yet' : `${spanText(buckets[0]!.start, buckets.at(-1)!.end, series.bucket)} (${timeZone})`;
  const subtitle = subtitleLines(`${span}; opens and clicks by people only (machine opens and filtered clicks left out)`, input.note);
  const datasets: ChartDataset[] = [
    { type: 'bar', label: 'Sent', data: buckets.map((b) => b.sent), backgroundColor: SENT_COLOUR, order: 3 },
    { type: 'line', label: 'Human opens', data: buckets.map((b) => b.opens), borderColor: OPEN_COLOUR, backgroundColor: OPEN_COLOUR, borderWidth: 3, pointRadius: buckets.length > 48 ? 0 : 3, order: 2 },
    { type: 'line', label: 'Human clicks', data: buckets.map((b) => b.clicks), borderColor: CLICK_COLOUR, backgroundColor: CLICK_COLOUR, borderWidth: 3, pointRadius: buckets.length > 48 ? 0 : 3, order: 1 },
  ];
  const config: ChartConfig = {
    type: 'bar',
    data: { labels: bucketLabels(buckets, series.bucket), datasets },
    // Datasets are ordered for drawing (lines over bars); the legend reads in the order of the title.
    options: chartOptions({ title, subtitle, xTitle: `${series.bucket === 'hour' ? 'Hour' : 'Day'} (${timeZone})`, yTitle: 'Messages / events', legend: true, legendReversed: true }),
  };
  const altText = `${title}. ${span}. In total ${count.format(totals.sent)} sent, ${count.format(totals.opens)} human opens, ${count.format(totals.clicks)} human clicks.`;
  return { name: campaign ? `activity-c${campaign.id}` : input.about!.name, title, altText: joinNote(altText, input.note), width: CHART_WIDTH, height: CHART_HEIGHT, config };
}

/** "Delivered → opened → clicked" for one campaign: unique recipients per stage, each with its share of delivered. */
export function funnelChart(input: FunnelChartInput): ChartSpec {
  const { campaign, funnel } = input;
  checkFunnel(funnel, 'funnel');
  const stages = funnelStages(funnel);
  const title = `Funnel: ${campaignLabel(campaign)}`;
  const subtitle = subtitleLines('Unique recipients: delivered (incl. assumed), with a human open, with a human click; % of delivered', input.note);
  const config: ChartConfig = {
    type: 'bar',
    data: {
      labels: stages.map((s) => [s.name, s.name === 'Delivered' ? count.format(s.value) : `${count.format(s.value)} (${s.share})`]),
      datasets: [{ label: 'Recipients', data: stages.map((s) => s.value), backgroundColor: [SENT_COLOUR, OPEN_COLOUR, CLICK_COLOUR] }],
    },
    options: chartOptions({ title, subtitle, yTitle: 'Recipients', legend: false }),
  };
  const altText = `${title}. ${stages.map((s) => (s.name === 'Delivered' ? `${count.format(s.value)} delivered` : `${count.format(s.value)} ${s.name.toLowerCase()} (${s.share} of delivered)`)).join(', ')}.`;
  return { name: `funnel-c${campaign.id}`, title, altText: joinNote(altText, input.note), width: CHART_WIDTH, height: CHART_HEIGHT, config };
}

/**
 * Several campaigns' funnels side by side, as shares of each one's delivered (campaigns of different
 * sizes compare by rate, not count); each legend entry keeps its delivered count.
 */
export function compareFunnelChart(input: CompareFunnelChartInput): ChartSpec {
  const { campaigns } = input;
  if (campaigns.length === 0) throw new AppError('INVALID_INPUT', 'A comparison needs at least one campaign.', { field: 'campaigns' });
  if (campaigns.length > MAX_COMPARED) {
    throw new AppError('INVALID_INPUT', `A chart compares at most ${MAX_COMPARED} campaigns (one colour each); ${campaigns.length} were given.`, { field: 'campaigns', max: MAX_COMPARED });
  }
  campaigns.forEach((c, i) => checkFunnel(c.funnel, `campaigns[${i}].funnel`));
  const datasets: ChartDataset[] = campaigns.map(({ campaign, funnel }, i) => ({
    type: 'bar',
    label: `${campaignLabel(campaign)}: ${count.format(funnel.delivered)} delivered`,
    data: funnelStages(funnel).map((s) => s.rate),
    backgroundColor: PALETTE[i]!,
  }));
  const title = `Funnels compared: ${campaigns.map((c) => campaignRef(c.campaign.id)).join(', ')}`;
  const subtitle = subtitleLines('Unique recipients as % of each campaign’s delivered: with a human open, with a human click', input.note);
  const config: ChartConfig = {
    type: 'bar',
    data: { labels: ['Delivered', 'Opened', 'Clicked'], datasets },
    options: chartOptions({ title, subtitle, yTitle: '% of delivered', legend: true, yMax: 100 }),
  };
  const altText = `${title}. ${campaigns
    .map(({ campaign, funnel }) => {
      const [, opened, clicked] = funnelStages(funnel);
      return `${campaignLabel(campaign)}: ${count.format(funnel.delivered)} delivered, ${opened!.share} opened, ${clicked!.share} clicked`;
    })
    .join('; ')}.`;
  return { name: `compare-funnel-${campaigns.map((c) => `c${c.campaign.id}`).join('-')}`, title, altText: joinNote(altText, input.note), width: CHART_WIDTH, height: CHART_HEIGHT, config };
}

interface Bucket {
  start: DateTime;
  end: DateTime;
  sent: number;
  opens: number;
  clicks: number;
}

/** The series in time order with a zero bucket wherever one was left out; repeated starts are added up. */
function fillGaps(series: ActivitySeries, zone: string): Bucket[] {
  const step = series.bucket === 'hour' ? { hours: 1 } : { days: 1 };
  const byStart = new Map<number, Bucket>();
  for (const p of series.points) {
    const ms = p.at.getTime();
    if (!Number.isFinite(ms)) throw new AppError('INVALID_INPUT', 'A series point has an invalid date.', { field: 'series.at' });
    const start = DateTime.fromMillis(ms, { zone });
    const bucket = byStart.get(ms) ?? { start, end: start.plus(step), sent: 0, opens: 0, clicks: 0 };
    bucket.sent += p.sent;
    bucket.opens += p.opens;
    bucket.clicks += p.clicks;
    byStart.set(ms, bucket);
  }
  const given = [...byStart.values()].sort((a, b) => a.start.toMillis() - b.start.toMillis());
  const out: Bucket[] = [];
  for (const bucket of given) {
    const previous = out.at(-1);
    // Days step in the zone's calendar (23 or 25 h across a DST change), hours in absolute time.
    for (let next = previous?.end; next && next < bucket.start; next = next.plus(step)) {
      out.push({ start: next, end: next.plus(step), sent: 0, opens: 0, clicks: 0 });
      if (out.length > MAX_BUCKETS) return [...out, ...given.filter((g) => g.start > next!)];
    }
    out.push(bucket);
  }
  return out;
}

/** Hours as `14:00`, with the day under the first hour of each day; days as `Tue 1 Dec`. */
function bucketLabels(buckets: Bucket[], size: BucketSize): (string | string[])[] {
  if (size === 'day') return buckets.map((b) => b.start.toFormat('ccc d LLL', { locale: 'en' }));
  return buckets.map((b, i) => {
    const hour = b.start.toFormat('HH:mm');
    const newDay = i === 0 || !b.start.hasSame(buckets[i - 1]!.start, 'day');
    return newDay ? [hour, b.start.toFormat('ccc d LLL', { locale: 'en' })] : hour;
  });
}

function spanText(start: DateTime, end: DateTime, size: BucketSize): string {
  if (size === 'day') {
    const last = end.minus({ days: 1 });
    return start.hasSame(last, 'day') ? start.toFormat('ccc d LLL yyyy', { locale: 'en' }) : `${start.toFormat('d LLL yyyy', { locale: 'en' })} to ${last.toFormat('d LLL yyyy', { locale: 'en' })}`;
  }
  const endText = end.hasSame(start, 'day') ? end.toFormat('HH:mm') : end.toFormat('d LLL yyyy HH:mm', { locale: 'en' });
  return `${start.toFormat('d LLL yyyy HH:mm', { locale: 'en' })} to ${endText}`;
}

function funnelStages(f: FunnelCounts): { name: 'Delivered' | 'Opened' | 'Clicked'; value: number; rate: number; share: string }[] {
  const of = (n: number) => (f.delivered === 0 ? { rate: 0, share: 'n/a' } : { rate: Math.round((n / f.delivered) * 1000) / 10, share: percent.format(n / f.delivered) });
  return [
    { name: 'Delivered', value: f.delivered, ...of(f.delivered) },
    { name: 'Opened', value: f.opened, ...of(f.opened) },
    { name: 'Clicked', value: f.clicked, ...of(f.clicked) },
  ];
}

function chartOptions(o: { title: string; subtitle: string[]; xTitle?: string; yTitle: string; legend: boolean; legendReversed?: boolean; yMax?: number }): ChartConfig['options'] {
  const axisTitle = (text: string) => ({ display: true, text, color: '#333333', font: { size: 13 } });
  return {
    plugins: {
      title: { display: true, text: o.title, color: '#111111', font: { size: 18, weight: 'bold' }, padding: { top: 8, bottom: 4 } },
      subtitle: { display: true, text: o.subtitle, color: '#444444', font: { size: 13 }, padding: { bottom: 10 } },
      legend: { display: o.legend, position: 'bottom', reverse: o.legendReversed ?? false, labels: { color: '#222222', font: { size: 13 } } },
    },
    scales: {
      x: { ...(o.xTitle ? { title: axisTitle(o.xTitle) } : {}), ticks: { color: '#333333', font: { size: 12 }, autoSkip: true, maxRotation: 0 }, grid: { display: false } },
      y: { beginAtZero: true, ...(o.yMax !== undefined ? { max: o.yMax } : {}), title: axisTitle(o.yTitle), ticks: { color: '#333333', font: { size: 12 }, precision: 0 }, grid: { color: '#e5e5e5' } },
    },
  };
}

function campaignLabel(c: ChartCampaign): string {
  const name = c.name.length > NAME_CHARS ? `${c.name.slice(0, NAME_CHARS - 1).trimEnd()}…` : c.name;
  return `${campaignRef(c.id)} ${name}`;
}

function joinNote(text: string, note: string | undefined): string {
  return note ? `${text.replace(/\.$/, '')}. ${note}` : text;
}

/** The subtitle's lines: what the figures are, then the caveat on a line of its own. */
function subtitleLines(text: string, note: string | undefined): string[] {
  return note ? [text, note] : [text];
}

function checkCount(n: number, field: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError('INVALID_INPUT', `${field} must be a whole number of at least 0, not ${n}.`, { field });
}

function checkFunnel(f: FunnelCounts, field: string): void {
  for (const key of ['delivered', 'opened', 'clicked'] as const) checkCount(f[key], `${field}.${key}`);
}
