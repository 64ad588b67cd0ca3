import { campaignRef } from '../domain/campaign/campaign.js';
import { AppError } from '../domain/errors.js';
import { campaignMetrics, type Figure, type MetricsDeps, type MetricsScope } from '../domain/metrics/campaign-metrics.js';
import type { CommandContext } from './command-context.js';
import type { StatsCommand } from './grammar/commands.js';
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

/** `/campaign stats <id> [--run N]`: the progress panel and the metrics, each with its definition. */
export async function statsCommand(ctx: CommandContext, cmd: StatsCommand): Promise<Reply> {
  if (!ctx.metricsDeps) throw new AppError('NOT_AVAILABLE', '/campaign stats needs the metrics store, which this Herald was built without.');
  const m = await campaignMetrics(ctx.metricsDeps, cmd.campaignId);
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
  return reply(`${title}: open rate ${open}, click-through ${ctr}${scope.mayBeIncomplete ? ' (may be incomplete)' : ''}.`, blocks);
}
