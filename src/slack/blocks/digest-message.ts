import type { types } from '@slack/bolt';
import { campaignRef } from '../../domain/campaign/campaign.js';
import { digestSummary, digestTitle, digestValue, emptyDayText, totalText, type Digest, type DigestCampaign, type Trend } from '../../domain/reports/digest.js';
import { digestDefinitions } from '../../commands/digest-command.js';
import type { ChannelMessage } from '../channels/channel-poster.js';
import { cut, escapeMrkdwn, LIMITS } from './mrkdwn.js';
import { context, fallbackText, header, section, type KnownBlock } from './reply-blocks.js';

/** Campaigns in the first message (the most sent first); the rest continue in thread replies. */
export const FIRST_MESSAGE_CAMPAIGNS = 10;
/** Campaigns per thread reply: one section each, well within 50 blocks. */
export const REPLY_CAMPAIGNS = 20;
const NAME_CHARS = 150;

const number = new Intl.NumberFormat('en-US');

/**
 * The digest as Slack messages for the managers' channel: the first one carries the title, the
 * totals with their trends, the charts (image blocks of uploaded files, by slack_file id) and the
 * campaigns that sent the most; a long digest continues in thread replies under it, each within
 * Block Kit's limits and with its own fallback text. An empty day is one message saying so.
 */
export function digestMessages(d: Digest, charts: { blocks: types.ImageBlock[]; missing: { title: string; reason: string }[] } = { blocks: [], missing: [] }): ChannelMessage[] {
  const title = digestTitle(d);
  if (d.campaigns.length === 0) return [{ text: fallbackText(digestSummary(d)), blocks: [header(title), section(escapeMrkdwn(emptyDayText(d)))] }];
  const first: KnownBlock[] = [header(title)];
  if (d.partial) first.push(section(`:warning: ${escapeMrkdwn(`${d.period.label} is not over yet in ${d.timeZone}: these are the figures so far.`)}`));
  for (let i = 0; i < d.totals.length; i += LIMITS.fieldsPerSection) {
    const group = d.totals.slice(i, i + LIMITS.fieldsPerSection);
    first.push({ type: 'section', fields: group.map((t) => ({ type: 'mrkdwn' as const, text: cut(`*${escapeMrkdwn(t.label)}*\n${escapeMrkdwn(totalText(t))}`, LIMITS.fieldText) })) });
  }
  first.push(...charts.blocks);
  if (charts.missing.length) first.push(context(escapeMrkdwn(charts.missing.map((m) => `Chart not drawn: ${m.title} (${m.reason})`).join('\n'))));
  first.push({ type: 'divider' });
  const head = d.campaigns.slice(0, FIRST_MESSAGE_CAMPAIGNS);
  first.push(...head.map(campaignSection));
  const rest = d.campaigns.slice(head.length);
  const chunks: DigestCampaign[][] = [];
  for (let i = 0; i < rest.length; i += REPLY_CAMPAIGNS) chunks.push(rest.slice(i, i + REPLY_CAMPAIGNS));
  if (chunks.length) first.push(context(`${rest.length} more campaign${rest.length === 1 ? '' : 's'} in the thread (${chunks.length} repl${chunks.length === 1 ? 'y' : 'ies'}).`));
  first.push(context(escapeMrkdwn(digestDefinitions(d))));
  const messages: ChannelMessage[] = [{ text: fallbackText(digestSummary(d)), blocks: first }];
  let shown = head.length;
  chunks.forEach((chunk, i) => {
    const range = `campaigns ${shown + 1}–${shown + chunk.length} of ${d.campaigns.length}`;
    shown += chunk.length;
    messages.push({
      text: fallbackText(`${title}, ${range} (part ${i + 2} of ${chunks.length + 1}).`),
      blocks: [context(escapeMrkdwn(`${title}: ${range} (part ${i + 2} of ${chunks.length + 1})`)), ...chunk.map(campaignSection)],
    });
  });
  return messages;
}

/** One campaign: its name, what it did that day against the day before, and its figures as it stands. */
function campaignSection(c: DigestCampaign): KnownBlock {
  const trend = (t: Trend) => (t.kind === 'none' ? '' : ` ${t.text}`);
  const f = (key: string) => digestValue(c.figures.find((x) => x.key === key)!);
  const lines = [
    `*${campaignRef(c.id)} ${escapeMrkdwn(cut(c.name, NAME_CHARS))}* · ${escapeMrkdwn(c.channel)} · ${escapeMrkdwn(c.status)}${c.incomplete ? ' · :warning: may be incomplete' : ''}`,
    `That day: sent *${number.format(c.day.sent)}*${trend(c.dayTrend.sent)} · human opens ${number.format(c.day.opens)}${trend(c.dayTrend.opens)} · clicks ${number.format(c.day.clicks)}${trend(c.dayTrend.clicks)} · unsubscribes ${number.format(c.day.unsubscribes)}`,
    `Delivered ${f('delivered')} · open rate ${f('open_rate')} · click-through ${f('click_through_rate')}`,
    `Unsubscribes ${f('unsubscribe_rate')} · failures ${f('failure_rate')} · unknown ${f('unknown')}`,
  ];
  return section(lines.join('\n'));
}
