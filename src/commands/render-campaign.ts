import { DateTime } from 'luxon';
import { campaignRef, type Campaign } from '../domain/campaign/campaign.js';
import { allowedActions, STATUS_MEANING } from '../domain/campaign/campaign-status.js';
import { describeFilter } from '../domain/contacts/segment-filter.js';
import type { Figure } from '../domain/metrics/campaign-metrics.js';
import type { ActivityEntry } from '../domain/ports/campaign-store.js';
import { OVERDUE_HOLD_CODE } from '../domain/scheduling/overdue-send.js';
import type { ReplyBlock } from './reply.js';

/** Names behind a campaign's ids, looked up by the handler so rendering stays pure. */
export interface CampaignNames {
  template: string | null;
  list: string | null;
  include: string[];
  exclude: string[];
  variantTemplates: Record<string, string>;
}

export function formatTime(date: Date | null, zone: string): string {
  if (!date) return '—';
  return DateTime.fromJSDate(date, { zone }).toFormat('yyyy-LL-dd HH:mm ZZZZ');
}

/**
 * A campaign's status in a few words. A completed campaign with messages in doubt says so ("completed,
 * 12 unknown: check before retrying") instead of "every message attempted".
 */
export function statusLabel(c: Pick<Campaign, 'status' | 'statusReason'>): string {
  return c.status === 'completed' && c.statusReason ? `${c.status}, ${c.statusReason}` : c.status;
}

/** The card's status line: the label and, where the label says nothing more, what the status means. */
export function statusLine(c: Pick<Campaign, 'status' | 'statusReason'>): string {
  const label = statusLabel(c);
  return label === c.status ? `${c.status} — ${STATUS_MEANING[c.status]}` : label;
}

/**
 * The campaign card: identity, status and why, schedule, content, audience, headline figures, what
 * can be done next. A card posted in a chat stays as it was drawn, so it says when that was (`asOf`):
 * only the activity channel's live card follows the campaign.
 */
export function campaignCard(c: Campaign, names: CampaignNames, zone: string, counts: Record<string, number>, headline: readonly Figure[] = [], asOf?: Date): ReplyBlock[] {
  const tz = c.timeZone ?? zone;
  const fields: [string, string][] = [
    ['Status', statusLine(c)],
    ...(c.statusReason && statusLabel(c) === c.status ? [['Reason', c.statusReason] as [string, string]] : []),
    ['Channel', c.channel],
    ['Launch', launchText(c, tz)],
    ...(c.launchType === 'scheduled' || c.launchType === 'recurring' ? [['If late', IF_LATE_TEXT[c.ifLate]] as [string, string]] : []),
    ['Template', c.variants.length ? c.variants.map((v) => `${v.label}: ${names.variantTemplates[v.label] ?? `#${v.templateId}`} (${v.weight})`).join(', ') : (names.template ?? '—')],
    ['List', names.list ?? '—'],
  ];
  if (names.include.length) fields.push(['Send to segments', names.include.join(', ')]);
  if (names.exclude.length) fields.push(['Exclude segments', names.exclude.join(', ')]);
  if (c.oneTimeFilter) fields.push(['One-time filter', describeFilter(c.oneTimeFilter)]);
  if (c.channel === 'sms' && c.smsTtlSeconds) fields.push(['TTL', `${c.smsTtlSeconds} s`]);
  if (!c.tracking) fields.push(['Tracking', 'off: links as written, no open pixel']);
  if (c.tags.length) fields.push(['Tags', c.tags.join(', ')]);
  if (c.description) fields.push(['Description', c.description]);
  fields.push(['Created', `${formatTime(c.createdAt, zone)} by ${c.createdBy}`]);
  if (c.clonedFromId) fields.push(['Cloned from', campaignRef(c.clonedFromId)]);
  const blocks: ReplyBlock[] = [{ type: 'header', text: `${campaignRef(c.id)} ${c.name}` }, { type: 'fields', fields }];
  if (c.statusDetails?.length) {
    const heading = c.status === 'rejected' ? 'Content rules refused it:' : c.statusDetails.some((d) => d.code === OVERDUE_HOLD_CODE) ? 'Waiting for a decision:' : 'Why it could not start:';
    blocks.push({ type: 'text', text: heading });
    blocks.push({ type: 'list', items: c.statusDetails.map((r) => `${r.message} [${r.code}]`) });
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total > 0) {
    blocks.push({ type: 'text', text: `Messages: ${total} — ${Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(', ')}` });
    if (headline.length) {
      blocks.push({ type: 'fields', fields: headline.map((f) => [f.label, headlineValue(f)] as [string, string]) });
      blocks.push({ type: 'context', text: `${headline.map((f) => `${f.label.toLowerCase()} = ${f.definition.replace(/ \(incl\. [^)]*\)/, '')}`).join('; ')}; human opens and clicks only. /campaign stats ${campaignRef(c.id)} for every figure.` });
    }
  }
  const actions = allowedActions(c.status).filter((a) => a !== 'view' && (a !== 'ratio' || c.variants.length > 0));
  blocks.push({ type: 'context', text: `Actions now: ${actions.join(', ')}` });
  if (asOf) blocks.push({ type: 'context', text: `Snapshot of ${formatTime(asOf, zone)}: it does not change by itself; /campaign show ${campaignRef(c.id)} again for the current state.` });
  return blocks;
}

/** A headline figure's value with its two counts: `50.0 % (40 ÷ 80)`. */
export function headlineValue(f: Figure): string {
  if (f.kind !== 'rate') return String(f.numerator);
  const value = f.value === null ? '—' : `${(f.value * 100).toFixed(1)} %`;
  return `${value} (${f.numerator.toLocaleString('en-US')} ÷ ${(f.denominator ?? 0).toLocaleString('en-US')})`;
}

/** What `--if-late` says, on the card: what happens to a send that came due while Herald was down. */
const IF_LATE_TEXT: Record<Campaign['ifLate'], string> = {
  send_late: 'send late (--if-late send)',
  skip: 'skip that send (--if-late skip)',
  ask: 'hold it and ask (--if-late ask)',
};

export function launchText(c: Campaign, zone: string): string {
  switch (c.launchType) {
    case 'scheduled':
      return `scheduled for ${formatTime(c.nextRunAt ?? c.sendAt, zone)}`;
    case 'recurring':
      return `recurring "${c.cron}" (${zone})${c.nextRunAt ? `, next ${formatTime(c.nextRunAt, zone)}` : ''}`;
    case 'now':
      return 'now (sends as soon as it is run)';
    case 'manual':
      return 'manual';
    default:
      return 'not set (run it by hand, or schedule it)';
  }
}

export function campaignRow(c: Campaign, zone: string): string[] {
  return [campaignRef(c.id), truncate(c.name, 40), statusLabel(c), c.channel, launchShort(c, zone), c.tags.join(',')];
}

function launchShort(c: Campaign, zone: string): string {
  if (c.launchType === 'recurring') return `cron ${c.cron}`;
  if (c.nextRunAt ?? c.sendAt) return formatTime(c.nextRunAt ?? c.sendAt, c.timeZone ?? zone);
  return c.launchType ?? '—';
}

export function activityRow(a: ActivityEntry, zone: string): string[] {
  const change = a.fromStatus || a.toStatus ? `${a.fromStatus ?? '·'} -> ${a.toStatus ?? a.fromStatus ?? '·'}` : '';
  const detail = a.detail ? Object.entries(a.detail).filter(([k, v]) => k !== 'reasons' && v !== null && v !== undefined).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
  return [DateTime.fromJSDate(a.createdAt, { zone }).toFormat('yyyy-LL-dd HH:mm:ss'), a.actor, a.action, a.toStatus && a.fromStatus !== a.toStatus ? change : '', [a.reason, detail].filter(Boolean).join(' · ')];
}

/** "Used by" line for templates, lists and segments: which live campaigns depend on them. */
export function usedBy(campaigns: readonly Campaign[]): ReplyBlock {
  if (campaigns.length === 0) return { type: 'context', text: 'Used by no campaign.' };
  const shown = campaigns.slice(0, 20).map((c) => `${campaignRef(c.id)} "${c.name}" (${c.status})`);
  return { type: 'text', text: `Used by: ${shown.join(', ')}${campaigns.length > 20 ? `, and ${campaigns.length - 20} more` : ''}` };
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
