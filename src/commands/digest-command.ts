import { campaignRef } from '../domain/campaign/campaign.js';
import { AppError } from '../domain/errors.js';
import { buildDigest, digestSummary, digestTitle, digestValue, emptyDayText, totalText, type Digest, type Trend } from '../domain/reports/digest.js';
import type { CommandContext } from './command-context.js';
import type { DigestCommand } from './grammar/commands.js';
import { reply, type Reply, type ReplyBlock } from './reply.js';

const number = new Intl.NumberFormat('en-US');

/** The digest's deps from the command context, or why this Herald cannot make one. */
export function digestDeps(ctx: CommandContext) {
  if (!ctx.metricsDeps || !ctx.periodActivity) throw new AppError('NOT_AVAILABLE', '/campaign digest needs the metrics store, which this Herald was built without.');
  return { metrics: ctx.metricsDeps, activity: ctx.periodActivity, clock: ctx.deps.clock };
}

/**
 * `/campaign digest [--date YYYY-MM-DD] [--post]`: the day's digest (yesterday in the account's
 * zone by default). Without --post it answers the caller only (the console prints it and writes
 * the chart PNGs); with --post it goes to the managers' channel (SLACK_DIGEST_CHANNEL) and the
 * caller is told where.
 */
export async function digestCommand(ctx: CommandContext, cmd: DigestCommand): Promise<Reply> {
  if (cmd.post) {
    // Refused before any work: the channel is what is missing, named as the setting that gives it.
    if (!ctx.digestPublisher) {
      throw new AppError('NOT_AVAILABLE', '--post posts the digest to the managers’ Slack channel, and this Herald runs without Slack: set SLACK_BOT_TOKEN (with its signing secret or app token) and SLACK_DIGEST_CHANNEL, or leave out --post to see the digest here.', { field: 'post' });
    }
    if (!ctx.digestPublisher.channel) {
      throw new AppError('NOT_AVAILABLE', '--post needs the managers’ channel: set SLACK_DIGEST_CHANNEL to its id (C…) and invite Herald to it, or leave out --post to see the digest yourself.', { field: 'post' });
    }
  }
  const digest = await buildDigest(digestDeps(ctx), { timeZone: ctx.deps.config.accountTimeZone, ...(cmd.date !== undefined ? { date: cmd.date } : {}) });
  if (cmd.post) {
    const posted = await ctx.digestPublisher!.publish(digest);
    const more = posted.replies ? `, continued in ${posted.replies} thread repl${posted.replies === 1 ? 'y' : 'ies'}` : '';
    return reply(`${digestTitle(digest)} posted to the managers’ channel (${posted.channel}${more}).`);
  }
  return { ...reply(digestSummary(digest), digestBlocks(digest)), charts: digest.charts };
}

/** The digest as a command reply: header, totals with trends, one row per campaign, caveats and definitions. */
export function digestBlocks(d: Digest): ReplyBlock[] {
  const blocks: ReplyBlock[] = [{ type: 'header', text: digestTitle(d) }];
  if (d.campaigns.length === 0) return [...blocks, { type: 'text', text: emptyDayText(d) }];
  if (d.partial) blocks.push({ type: 'warning', text: `${d.period.label} is not over yet in ${d.timeZone}: these are the figures so far.` });
  blocks.push({ type: 'fields', fields: d.totals.map((t) => [t.label, totalText(t)]) });
  const trend = (t: Trend) => (t.kind === 'none' ? '' : ` ${t.text}`);
  const value = (c: Digest['campaigns'][number], key: string) => digestValue(c.figures.find((f) => f.key === key)!);
  blocks.push({
    type: 'table',
    columns: ['Campaign', 'Sent that day', 'Delivered', 'Open rate', 'Click-through', 'Unsubscribes', 'Failures', 'Unknown'],
    rows: d.campaigns.map((c) => [
      `${campaignRef(c.id)} ${c.name}${c.incomplete ? ' *' : ''}`,
      `${number.format(c.day.sent)}${trend(c.dayTrend.sent)}`,
      value(c, 'delivered'),
      value(c, 'open_rate'),
      value(c, 'click_through_rate'),
      value(c, 'unsubscribe_rate'),
      value(c, 'failure_rate'),
      value(c, 'unknown'),
    ]),
  });
  const incomplete = d.campaigns.filter((c) => c.incomplete);
  if (incomplete.length) blocks.push({ type: 'warning', text: `* ${incomplete.map((c) => campaignRef(c.id)).join(', ')} stopped or cancelled: their figures may be incomplete.` });
  blocks.push({ type: 'context', text: digestDefinitions(d) });
  return blocks;
}

/** How the digest's figures are computed, in words. */
export function digestDefinitions(d: Digest): string {
  return (
    `“That day” counts what happened in ${d.period.label} (${d.period.hours} h in ${d.timeZone}); the other figures are each campaign’s as it stands ` +
    '(delivered ÷ all messages; open rate = unique human opens ÷ delivered; click-through = unique human clicks ÷ delivered; unsubscribes, failures and unknown ÷ delivered or attempted). ' +
    `Trends compare with ${d.previous.label}: counts in %, rates in percentage points (pp); “new” where that day had none. Only human opens and clicks count.`
  );
}
