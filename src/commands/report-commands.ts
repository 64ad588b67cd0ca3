import { campaignRef } from '../domain/campaign/campaign.js';
import { AppError, isAppError } from '../domain/errors.js';
import { campaignMetrics, type CampaignMetrics, type Figure, type MetricsScope } from '../domain/metrics/campaign-metrics.js';
import { campaignActivity } from '../domain/metrics/campaign-activity.js';
import { activityChart, compareFunnelChart, funnelChart, MAX_COMPARED, type FunnelCounts } from '../domain/reports/charts.js';
import type { ChartSpec } from '../domain/ports/chart-renderer.js';
import type { CommandContext } from './command-context.js';
import type { CompareCommand, StatsCommand } from './grammar/commands.js';
import { reply, type Reply, type ReplyBlock } from './reply.js';

/** The progress panel's statuses in the seed's order (seed 004), then the rest. */
const PANEL: readonly [status: string, label: string][] = [
  ['delivered', 'Delivered'],
  ['sending', 'Sending'],
  ['failed', 'Failed'],
  ['opted_out', 'Opted out'],
  ['assumed_delivered', 'Assumed delivered'],
  ['retrying', 'Retrying'],
  ['queued', 'Queued'],
  ['bounced', 'Bounced'],
  ['complained', 'Complained'],
  ['blocked', 'Blocked'],
  ['unknown', 'Unknown'],
];

const number = new Intl.NumberFormat('en-US');

/** How a figure reads: the value, then how it was computed (numerator ÷ denominator, in words and counts). */
export function figureRow(f: Figure): string[] {
  if (f.kind === 'rate') {
    const value = f.value === null ? '—' : `${(f.value * 100).toFixed(1)} %`;
    return [f.label, value, `${f.definition} = ${number.format(f.numerator)} ÷ ${number.format(f.denominator ?? 0)}`];
  }
  if (f.kind === 'money') {
    const perSegment = f.denominator ? ` (${(f.numerator / f.denominator / 1_000_000).toFixed(4)} per segment)` : '';
    return [f.label, (f.numerator / 1_000_000).toFixed(4), `${f.definition}${perSegment}`];
  }
  return [f.label, number.format(f.numerator), f.definition];
}

/** The seed's progress panel: a count per message status (only the statuses that have messages). */
export function progressPanel(scope: MetricsScope): ReplyBlock {
  const fields: [string, string][] = [];
  const total = Object.values(scope.statusCounts).reduce((a, b) => a + b, 0);
  const onlyQueued = total > 0 && scope.statusCounts.queued === total;
  if (total === 0 || onlyQueued) return { type: 'fields', fields: [['Total messages', number.format(total)]] };
  for (const [status, label] of PANEL) if (scope.statusCounts[status]) fields.push([label, number.format(scope.statusCounts[status]!)]);
  for (const [status, n] of Object.entries(scope.statusCounts)) if (!PANEL.some(([s]) => s === status)) fields.push([status, number.format(n)]);
  fields.push(['Total', number.format(total)]);
  return { type: 'fields', fields };
}

function scopeBlocks(scope: MetricsScope): ReplyBlock[] {
  const blocks: ReplyBlock[] = [progressPanel(scope), { type: 'table', columns: ['Figure', 'Value', 'How it is computed'], rows: scope.figures.map(figureRow) }];
  const categories = Object.entries(scope.failuresByCategory).sort((a, b) => b[1] - a[1]);
  if (categories.length) blocks.push({ type: 'text', text: 'Failures by category:' }, { type: 'list', items: categories.map(([c, n]) => `${c}: ${number.format(n)}`) });
  if (scope.filtered.length) {
    blocks.push(
      { type: 'text', text: 'Hits not counted as human, by rule:' },
      { type: 'list', items: scope.filtered.map((r) => `${r.rule} — ${r.description}: ${number.format(r.opens)} opens, ${number.format(r.clicks)} clicks`) },
    );
  }
  return blocks;
}

const value = (scope: MetricsScope, key: string) => {
  const f = scope.figures.find((x) => x.key === key);
  return f ? figureRow(f)[1]! : '—';
};

const countOf = (scope: MetricsScope, key: string) => scope.figures.find((f) => f.key === key)?.numerator ?? 0;

/** Unique recipients per stage, from the figures: delivered (incl. assumed), human-opened, human-clicked. */
export function funnelOf(scope: MetricsScope): FunnelCounts {
  return { delivered: countOf(scope, 'delivered'), opened: countOf(scope, 'unique_opens'), clicked: countOf(scope, 'unique_clicks') };
}

function needMetrics(ctx: CommandContext, name: string) {
  if (!ctx.metricsDeps) throw new AppError('NOT_AVAILABLE', `/campaign ${name} needs the metrics store, which this Herald was built without.`);
  return ctx.metricsDeps;
}

/** `/campaign stats <id> [--run N]`: the progress panel and the metrics, each with its definition. */
export async function statsCommand(ctx: CommandContext, cmd: StatsCommand): Promise<Reply> {
  const m = await campaignMetrics(needMetrics(ctx, 'stats'), cmd.campaignId);
  const ref = campaignRef(m.campaignId);
  let scope: MetricsScope = m.campaign;
  if (cmd.run !== undefined) {
    const run = m.runs.find((r) => r.run === cmd.run);
    if (!run) {
      const known = m.runs.map((r) => r.run).join(', ');
      throw new AppError('NOT_FOUND', `${ref} has no run ${cmd.run}${known ? ` (its runs: ${known})` : ' (it has not run yet)'}.`);
    }
    scope = run;
  }
  const title = `${ref} stats${cmd.run !== undefined ? ` — run ${cmd.run}` : ''}`;
  const blocks: ReplyBlock[] = [{ type: 'header', text: title }];
  if (scope.mayBeIncomplete) blocks.push({ type: 'warning', text: m.incomplete ?? `Run ${cmd.run} was stopped or cancelled: its figures may be incomplete.` });
  blocks.push(...scopeBlocks(scope));
  if (cmd.run === undefined && m.variants.length) {
    blocks.push({
      type: 'table',
      columns: ['Variant', 'Delivered', 'Open rate', 'Click-through', 'Click-to-open'],
      rows: m.variants.map((v) => [v.variant!, number.format(v.figures.find((f) => f.key === 'delivered')!.numerator), value(v, 'open_rate'), value(v, 'click_through_rate'), value(v, 'click_to_open_rate')]),
    });
  }
  if (cmd.run === undefined && m.runs.length > 1) {
    blocks.push({
      type: 'table',
      columns: ['Run', 'Delivered', 'Open rate', 'Click-through', 'Unsubscribe'],
      rows: m.runs.slice(-20).map((r) => [String(r.run), number.format(r.figures.find((f) => f.key === 'delivered')!.numerator), value(r, 'open_rate'), value(r, 'click_through_rate'), value(r, 'unsubscribe_rate')]),
    });
    if (m.runs.length > 20) blocks.push({ type: 'context', text: `The last 20 of ${m.runs.length} runs; --run N shows any one.` });
  }
  blocks.push({ type: 'context', text: 'Only human opens and clicks count in rates; bots, scanners and privacy proxies are kept and shown apart.' });
  const open = value(scope, 'open_rate');
  const ctr = value(scope, 'click_through_rate');
  const note = scope.mayBeIncomplete ? 'Stopped or cancelled: these figures may be incomplete.' : undefined;
  const chartCampaign = { id: m.campaignId, name: cmd.run !== undefined ? `${m.name} (run ${cmd.run})` : m.name };
  const charts: ChartSpec[] = [];
  if (cmd.run === undefined) {
    const timeZone = ctx.deps.config.accountTimeZone;
    const series = await campaignActivity(ctx.metricsDeps!.metrics, m.campaignId, timeZone);
    try {
      if (series) charts.push(activityChart({ campaign: chartCampaign, series, timeZone, ...(note ? { note } : {}) }));
    } catch (error) {
      // A series too long for one chart (over MAX_BUCKETS days) is said, never a failed stats.
      if (!isAppError(error)) throw error;
      blocks.push({ type: 'context', text: `Activity chart not drawn: ${(error as Error).message}` });
    }
  }
  charts.push(funnelChart({ campaign: chartCampaign, funnel: funnelOf(scope), ...(note ? { note } : {}) }));
  return { ...reply(`${title}: open rate ${open}, click-through ${ctr}${scope.mayBeIncomplete ? ' (may be incomplete)' : ''}.`, blocks), charts };
}

/** The figures compare shows, in this order (the headline ones first); SMS figures only where a campaign has them. */
const COMPARED = [
  'delivered',
  'open_rate',
  'click_through_rate',
  'click_to_open_rate',
  'unsubscribe_rate',
  'unique_opens',
  'total_opens',
  'unique_clicks',
  'total_clicks',
  'machine_opens',
  'filtered_clicks',
  'bounce_rate',
  'complaint_rate',
  'block_rate',
  'failure_rate',
  'unknown',
  'sms_segments',
  'sms_cost',
] as const;

/** A figure's value with its two counts, for one campaign's column: `50.0 % (2 ÷ 4)`. */
export function compareCell(f: Figure | undefined): string {
  if (!f) return '—';
  const [, value] = figureRow(f);
  if (f.kind === 'rate') return `${value} (${number.format(f.numerator)} ÷ ${number.format(f.denominator ?? 0)})`;
  return value!;
}

/** The definition shared by every campaign's figure (the delivered one names each campaign's own assumed count, said in general here). */
function sharedDefinition(figures: (Figure | undefined)[]): string {
  const defs = [...new Set(figures.flatMap((f) => (f ? [f.definition.replace(/incl\. [\d,]+ assumed delivered/, 'incl. assumed delivered')] : [])))];
  return defs.join(' / ');
}

/**
 * `/campaign compare <id> <id>…`: the same figures for several campaigns side by side, each with its
 * two counts and one shared definition, so no campaign is measured differently; each stopped or
 * cancelled campaign is flagged as possibly incomplete, and a funnel chart compares their shares.
 */
export async function compareCommand(ctx: CommandContext, cmd: CompareCommand): Promise<Reply> {
  const deps = needMetrics(ctx, 'compare');
  if (cmd.campaignIds.length > MAX_COMPARED) {
    throw new AppError('INVALID_INPUT', `compare takes at most ${MAX_COMPARED} campaigns at a time (one colour each on its chart); ${cmd.campaignIds.length} were given.`, {
      field: 'campaignIds',
      max: MAX_COMPARED,
    });
  }
  const all: CampaignMetrics[] = [];
  for (const id of cmd.campaignIds) all.push(await campaignMetrics(deps, id));
  const refs = all.map((m) => campaignRef(m.campaignId));
  const title = `Compare ${refs.join(', ')}`;
  const blocks: ReplyBlock[] = [{ type: 'header', text: title }];
  for (const m of all) if (m.incomplete) blocks.push({ type: 'warning', text: m.incomplete });
  const rows: string[][] = [
    ['Campaign', ...all.map((m) => m.name), ''],
    ['Status', ...all.map((m) => (m.incomplete ? `${m.campaignStatus} (may be incomplete)` : m.campaignStatus)), ''],
    ['Messages', ...all.map((m) => number.format(Object.values(m.campaign.statusCounts).reduce((a, b) => a + b, 0))), 'all messages of every run'],
  ];
  for (const key of COMPARED) {
    const figures = all.map((m) => m.campaign.figures.find((f) => f.key === key));
    const first = figures.find((f) => f !== undefined);
    if (!first) continue;
    rows.push([first.label, ...figures.map(compareCell), sharedDefinition(figures)]);
  }
  blocks.push({ type: 'table', columns: ['Figure', ...refs, 'How it is computed (the same for each)'], rows });
  blocks.push({ type: 'context', text: 'Only human opens and clicks count in rates; bots, scanners and privacy proxies are kept and shown apart. Each cell: value (numerator ÷ denominator).' });
  const incomplete = all.filter((m) => m.incomplete).map((m) => campaignRef(m.campaignId));
  const note = incomplete.length ? `${incomplete.join(', ')} stopped or cancelled: figures may be incomplete.` : undefined;
  const chart = compareFunnelChart({ campaigns: all.map((m) => ({ campaign: { id: m.campaignId, name: m.name }, funnel: funnelOf(m.campaign) })), ...(note ? { note } : {}) });
  const summary = all.map((m) => `${campaignRef(m.campaignId)} open rate ${value(m.campaign, 'open_rate')}${m.incomplete ? ' (may be incomplete)' : ''}`).join(', ');
  return { ...reply(`${title}: ${summary}.`, blocks), charts: [chart] };
}
