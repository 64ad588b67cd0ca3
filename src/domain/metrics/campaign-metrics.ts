import { campaignRef, notFound } from '../campaign/campaign.js';
import type { CampaignStore } from '../ports/campaign-store.js';
import type { EventCountRow, MetricsStore, RunRow, StatusCountRow } from '../ports/metrics-store.js';
import { HIT_RULES } from '../tracking/classify-hit.js';

/**
 * One figure as people read it: its value, and how it was computed (numerator ÷ denominator, in
 * words and as the two counts), so a rate is never a bare percentage.
 */
export interface Figure {
  key: string;
  label: string;
  /** `rate`: a fraction (0.25 = 25 %), null when the denominator is 0. `count`: a number of things. `money`: micros. */
  kind: 'rate' | 'count' | 'money';
  value: number | null;
  numerator: number;
  /** null for a plain count. */
  denominator: number | null;
  /** "unique human opens ÷ delivered" (rates) or what is counted (counts). */
  definition: string;
}

/** The metrics of one campaign, one run, or one variant. */
export interface MetricsScope {
  scope: 'campaign' | 'run' | 'variant';
  /** Run number (scope run). */
  run?: number;
  /** Variant label (scope variant). */
  variant?: string;
  /** Messages per status: the progress panel (seed 004). */
  statusCounts: Record<string, number>;
  figures: Figure[];
  /** Failed messages per failure category. */
  failuresByCategory: Record<string, number>;
  /** What each filtering rule removed: opens and clicks it classified as not human. */
  filtered: { rule: string; description: string; opens: number; clicks: number }[];
  /** Stopped or cancelled (the campaign, or this run): figures may be incomplete (seed 002). */
  mayBeIncomplete: boolean;
}

export interface CampaignMetrics {
  campaignId: number;
  /** The campaign's name as people know it (compare and charts label by it). */
  name: string;
  campaignStatus: string;
  channel: string;
  /** Why the figures may be incomplete, in words; null when they are not. */
  incomplete: string | null;
  campaign: MetricsScope;
  runs: MetricsScope[];
  variants: MetricsScope[];
}

export interface MetricsDeps {
  metrics: MetricsStore;
  campaigns: Pick<CampaignStore, 'get'>;
}

const HALTED = new Set(['stopped', 'cancelled']);
/** Statuses that never reached a provider: not attempted. */
const NOT_ATTEMPTED = new Set(['queued', 'sending', 'opted_out', 'retrying']);

/** The figures of a campaign, each run and each variant, from the count tables only. */
export async function campaignMetrics(deps: MetricsDeps, campaignId: number): Promise<CampaignMetrics> {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw notFound(campaignId);
  const counts = await deps.metrics.countsOf(campaignId);
  return computeCampaignMetrics({ id: campaign.id, name: campaign.name, status: campaign.status, channel: campaign.channel }, counts);
}

/** Pure: the figures from the count rows (what the use case reads; tests give fixtures). */
export function computeCampaignMetrics(
  campaign: { id: number; name?: string; status: string; channel: string },
  counts: { runs: readonly RunRow[]; status: readonly StatusCountRow[]; events: readonly EventCountRow[] },
): CampaignMetrics {
  const halted = HALTED.has(campaign.status);
  const sms = campaign.channel !== 'email';
  const runs = counts.runs.map((r) =>
    scope(
      { scope: 'run', run: r.number },
      counts.status.filter((s) => s.runId === r.id),
      counts.events.filter((e) => e.runId === r.id),
      halted || HALTED.has(r.status),
      sms,
    ),
  );
  const labels = [...new Set([...counts.status.map((s) => s.variant), ...counts.events.map((e) => e.variant)])].filter((v) => v !== '').sort();
  const variants = labels.map((v) =>
    scope({ scope: 'variant', variant: v }, counts.status.filter((s) => s.variant === v), counts.events.filter((e) => e.variant === v), halted, sms),
  );
  const incomplete = halted
    ? `${campaignRef(campaign.id)} was ${campaign.status}: messages already with the providers may still be delivered or fail, and opens and clicks keep arriving, so these figures may be incomplete.`
    : runs.some((r) => r.mayBeIncomplete)
      ? `A run of ${campaignRef(campaign.id)} was stopped or cancelled: its figures may be incomplete.`
      : null;
  return {
    campaignId: campaign.id,
    name: campaign.name ?? campaignRef(campaign.id),
    campaignStatus: campaign.status,
    channel: campaign.channel,
    incomplete,
    campaign: scope({ scope: 'campaign' }, counts.status, counts.events, halted || runs.some((r) => r.mayBeIncomplete), sms),
    runs,
    variants,
  };
}

/**
 * The card's and App Home's headline figures (delivered, open rate, click-through rate), with the
 * same definitions as stats: from a campaign's messages per status and its unique human opens and clicks.
 */
export function headlineFigures(counts: { statusCounts: Record<string, number>; uniqueOpens: number; uniqueClicks: number }): Figure[] {
  const n = (k: string) => counts.statusCounts[k] ?? 0;
  const total = Object.values(counts.statusCounts).reduce((a, b) => a + b, 0);
  const assumed = n('assumed_delivered');
  const delivered = n('delivered') + assumed;
  return [
    rate('delivered', 'Delivered', delivered, total, `delivered messages (incl. ${assumed} assumed delivered: SMS with no receipt by the timeout) ÷ all messages`),
    rate('open_rate', 'Open rate', counts.uniqueOpens, delivered, 'unique human opens ÷ delivered'),
    rate('click_through_rate', 'Click-through rate', counts.uniqueClicks, delivered, 'unique human clicks ÷ delivered'),
  ];
}

function rate(key: string, label: string, numerator: number, denominator: number, definition: string): Figure {
  return { key, label, kind: 'rate', value: denominator > 0 ? numerator / denominator : null, numerator, denominator, definition };
}

function count(key: string, label: string, n: number, definition: string): Figure {
  return { key, label, kind: 'count', value: n, numerator: n, denominator: null, definition };
}

function scope(
  where: Pick<MetricsScope, 'scope' | 'run' | 'variant'>,
  status: readonly StatusCountRow[],
  events: readonly EventCountRow[],
  mayBeIncomplete: boolean,
  sms: boolean,
): MetricsScope {
  const statusCounts: Record<string, number> = {};
  const failuresByCategory: Record<string, number> = {};
  let segments = 0;
  let costMicros = 0;
  for (const s of status) {
    statusCounts[s.status] = (statusCounts[s.status] ?? 0) + s.count;
    if (s.status === 'failed') failuresByCategory[s.category || 'uncategorised'] = (failuresByCategory[s.category || 'uncategorised'] ?? 0) + s.count;
    segments += s.segments;
    costMicros += s.costMicros;
  }
  for (const k of Object.keys(statusCounts)) if (statusCounts[k] === 0) delete statusCounts[k];
  const ev: Record<string, number> = {};
  for (const e of events) ev[e.metric] = (ev[e.metric] ?? 0) + e.count;
  const n = (k: string) => statusCounts[k] ?? 0;
  const e = (k: string) => ev[k] ?? 0;

  const total = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  const assumed = n('assumed_delivered');
  const delivered = n('delivered') + assumed;
  const attempted = Object.entries(statusCounts).filter(([k]) => !NOT_ATTEMPTED.has(k)).reduce((a, [, v]) => a + v, 0);
  const uniqueOpens = e('open:human:unique');
  const uniqueClicks = e('click:human:unique');
  const unsubscribes = e('unsubscribe');
  const failed = n('failed');

  const figures: Figure[] = [
    ...headlineFigures({ statusCounts, uniqueOpens, uniqueClicks }),
    rate('click_to_open_rate', 'Click-to-open rate', uniqueClicks, uniqueOpens, 'unique human clicks ÷ unique human opens'),
    rate('unsubscribe_rate', 'Unsubscribe rate', unsubscribes, delivered, 'unsubscribes from the message’s link ÷ delivered'),
    count('unique_opens', 'Unique opens', uniqueOpens, 'messages opened at least once by a person (bots, scanners and proxies filtered)'),
    count('total_opens', 'Total opens', e('open:human'), 'human opens, every time'),
    count('unique_clicks', 'Unique clicks', uniqueClicks, 'messages with at least one human click'),
    count('total_clicks', 'Total clicks', e('click:human'), 'human clicks, every time'),
    count('machine_opens', 'Machine opens', e('open:privacy_proxy'), 'opens fetched by privacy proxies (Apple Mail Privacy Protection and the like): never counted as human'),
    count('filtered_clicks', 'Filtered clicks', e('click:bot_window') + e('click:scanner'), 'clicks judged not human (bot window, scanners): see the rules below'),
    rate('bounce_rate', 'Bounces', n('bounced'), attempted, 'bounced ÷ messages attempted'),
    rate('complaint_rate', 'Complaints', n('complained'), delivered + n('complained'), 'spam complaints ÷ messages delivered (a complained message was delivered too)'),
    rate('block_rate', 'Blocks', n('blocked'), attempted, 'blocked by the receiving side ÷ messages attempted'),
    rate('failure_rate', 'Failures', failed, attempted, 'failed for good ÷ messages attempted (by category below)'),
    rate('unknown', 'Unknown', n('unknown'), attempted, 'handed to the provider with no answer recorded (a crash) ÷ messages attempted: never resent by itself'),
  ];
  if (sms) {
    figures.push(count('sms_segments', 'SMS segments', segments, 'segments billed, summed over the messages sent'));
    figures.push({ key: 'sms_cost', label: 'SMS cost', kind: 'money', value: costMicros, numerator: costMicros, denominator: segments, definition: 'cost of the segments sent ÷ segments (the provider’s price where it gave one, else SMS_PRICE_PER_SEGMENT by destination prefix)' });
  }
  const filtered = HIT_RULES.map((r) => ({ rule: r.id, description: r.description, opens: e(`reason:open:${r.id}`), clicks: e(`reason:click:${r.id}`) })).filter((f) => f.opens > 0 || f.clicks > 0);
  return { ...where, statusCounts, figures, failuresByCategory, filtered, mayBeIncomplete };
}
