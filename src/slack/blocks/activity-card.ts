import { DateTime } from 'luxon';
import { statusLine } from '../../commands/render-campaign.js';
import { campaignRef, type Campaign } from '../../domain/campaign/campaign.js';
import type { ActivityEntry } from '../../domain/ports/campaign-store.js';
import type { ChannelMessage } from '../channels/channel-poster.js';
import { context, fallbackText, header, section } from './reply-blocks.js';
import { cut, escapeMrkdwn, LIMITS } from './mrkdwn.js';

/** Messages still to go or in flight: everything else is done (sent, failed, opted out, unknown…). */
const NOT_DONE = ['queued', 'sending', 'retrying'];
/** Outcomes a person must look at, called out on the card. */
const NEEDS_A_LOOK = ['failed', 'unknown', 'bounced', 'blocked', 'complained'];
const BAR_CELLS = 20;

export interface CardProgress {
  total: number;
  done: number;
  /** Messages done per second since the card began following this send; null until measured. */
  ratePerSecond: number | null;
}

/** What the counts say about progress (the rate is measured by whoever follows the card). */
export function progressOf(counts: Record<string, number>): { total: number; done: number } {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const left = NOT_DONE.reduce((n, s) => n + (counts[s] ?? 0), 0);
  return { total, done: total - left };
}

/** A text progress bar: `▓▓▓▓░░░░ 50%`. */
export function progressBar(done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * BAR_CELLS);
  return `${'▓'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)} ${Math.floor(ratio * 100)}%`;
}

const n = (value: number) => value.toLocaleString('en-US');

/**
 * The live card, the parent of a campaign's activity thread: status and why, a progress bar, the
 * counts per message status, the send rate and ETA while sending, failed and unknown messages
 * called out, and when it was drawn. Edited in place as the campaign moves; no buttons (a button's
 * answer would replace the live card with a snapshot).
 */
export function activityCardMessage(input: { campaign: Campaign; counts: Record<string, number>; progress: CardProgress; at: Date; zone: string }): ChannelMessage {
  const { campaign: c, counts, progress, at, zone } = input;
  const ref = campaignRef(c.id);
  const time = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat('HH:mm:ss ZZZZ');
  const blocks: ChannelMessage['blocks'] = [header(`${ref} ${c.name}`)];
  const status = [`*Status:* ${escapeMrkdwn(statusLine(c))}`, `*Channel:* ${escapeMrkdwn(c.channel)}`];
  if (c.statusReason && !statusLine(c).includes(c.statusReason)) status.push(`*Reason:* ${escapeMrkdwn(c.statusReason)}`);
  blocks.push(section(status.join('\n')));
  const { total, done } = progress;
  if (total > 0) {
    const lines = [`\`${progressBar(done, total)}\` ${n(done)} of ${n(total)} done`];
    if (c.status === 'sending') {
      const left = total - done;
      if (progress.ratePerSecond !== null && progress.ratePerSecond > 0) {
        const etaMs = (left / progress.ratePerSecond) * 1000;
        lines.push(`*Rate:* ${progress.ratePerSecond.toFixed(1)} messages/s · *ETA:* ${left === 0 ? 'finishing' : `${time(new Date(at.getTime() + etaMs))} (${duration(etaMs)} left)`}`);
      } else if (progress.ratePerSecond === 0) {
        lines.push('*Rate:* 0 messages/s (none done since this card began following the send) · *ETA:* unknown');
      } else {
        lines.push('*Rate:* measuring… · *ETA:* after the next refresh');
      }
    }
    blocks.push(section(lines.join('\n')));
    const shown = Object.entries(counts).filter(([, v]) => v > 0).sort(([a], [b]) => a.localeCompare(b));
    for (let i = 0; i < shown.length; i += LIMITS.fieldsPerSection) {
      blocks.push({ type: 'section', fields: shown.slice(i, i + LIMITS.fieldsPerSection).map(([s, v]) => ({ type: 'mrkdwn', text: `*${escapeMrkdwn(s)}*\n${n(v)}` })) });
    }
    const look = NEEDS_A_LOOK.filter((s) => (counts[s] ?? 0) > 0);
    if (look.length) {
      const unknown = (counts.unknown ?? 0) > 0 ? ` Unknown ones may have been sent: check with /campaign messages ${ref} --status unknown before retrying.` : '';
      blocks.push(section(`:warning: ${look.map((s) => `${n(counts[s]!)} ${s}`).join(', ')}.${unknown}`));
    }
  } else {
    blocks.push(section('No messages yet: the audience is built when it launches.'));
  }
  blocks.push(context(`Updated ${time(at)} · every step is a reply in this thread · /campaign show ${ref}`));
  const text = `${ref} "${c.name}": ${c.status}${total > 0 ? `, ${n(done)} of ${n(total)} done` : ''}`;
  return { text: fallbackText(text), blocks };
}

/** One activity-log entry as a reply in the thread: who did what, the status change, why. */
export function activityEntryMessage(entry: ActivityEntry, input: { zone: string; counts?: Record<string, number> }): ChannelMessage {
  const who = entry.actor.startsWith('system:') ? 'Herald' : /^[UW][A-Z0-9]{2,}$/.test(entry.actor) ? `<@${entry.actor}>` : escapeMrkdwn(entry.actor);
  const whoText = entry.actor.startsWith('system:') ? 'Herald' : entry.actor;
  const what = ACTION_WORDS[entry.action] ?? entry.action.replace(/_/g, ' ');
  const change = entry.toStatus && entry.fromStatus !== entry.toStatus ? ` (${entry.fromStatus ?? '·'} → ${entry.toStatus})` : '';
  const reason = entry.reason ? ` — ${entry.reason}` : '';
  const lines = [`${who} ${escapeMrkdwn(what)}${change}${escapeMrkdwn(reason)}`];
  if (entry.toStatus === 'completed' && entry.action === 'complete' && input.counts) lines.push(headline(input.counts));
  const detail = entry.detail
    ? Object.entries(entry.detail)
        .filter(([k, v]) => k !== 'reasons' && v !== null && v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' · ')
    : '';
  const reasons = Array.isArray(entry.detail?.reasons) ? (entry.detail.reasons as { message?: string; code?: string }[]).map((r) => `• ${r.message ?? ''}${r.code ? ` [${r.code}]` : ''}`) : [];
  if (reasons.length) lines.push(...reasons.map(escapeMrkdwn));
  const blocks: ChannelMessage['blocks'] = [section(lines.join('\n'))];
  const when = DateTime.fromJSDate(entry.createdAt, { zone: input.zone }).toFormat('yyyy-LL-dd HH:mm:ss ZZZZ');
  blocks.push(context(cut(`${when}${entry.runId ? ` · run ${entry.runId}` : ''}${detail ? ` · ${escapeMrkdwn(detail)}` : ''}`, LIMITS.contextText)));
  return { text: fallbackText(`${whoText} ${what}${change}${reason}`), blocks };
}

/** The headline figures of a finished send. */
export function headline(counts: Record<string, number>): string {
  const { total } = progressOf(counts);
  const delivered = (counts.delivered ?? 0) + (counts.assumed_delivered ?? 0);
  const pct = total > 0 ? ` (${Math.round((delivered / total) * 100)}%)` : '';
  const rest = Object.entries(counts)
    .filter(([s, v]) => v > 0 && s !== 'delivered' && s !== 'assumed_delivered')
    .map(([s, v]) => `${n(v)} ${s}`);
  return `*Finished:* ${n(total)} message${total === 1 ? '' : 's'} — ${n(delivered)} delivered${pct}${rest.length ? `, ${rest.join(', ')}` : ''}.`;
}

/** How the activity log's actions read in a thread ("Herald started sending"). */
const ACTION_WORDS: Record<string, string> = {
  create: 'created it',
  clone: 'created it as a clone',
  complete_setup: 'completed its setup',
  reopen_setup: 'reopened its setup',
  run: 'launched it: audience built, template locked',
  schedule: 'scheduled it',
  prebuild: 'built its audience ahead of the send time: template locked',
  relaunch: 'relaunched it',
  resubmit: 'resubmitted it',
  fail_launch: 'could not launch it',
  reject_content: 'rejected it by the content rules',
  start_sending: 'started sending',
  suspend: 'suspended it',
  complete: 'finished sending',
  skip_late: 'skipped an overdue send',
  hold_late: 'held an overdue send for a decision',
  pause: 'paused it',
  resume: 'resumed it',
  stop: 'stopped it',
  cancel: 'cancelled it',
  retry: 'retried failed messages',
  cancel_requested: 'asked to cancel it (waiting for an approver)',
  cancel_denied: 'denied the cancel request',
  cancel_request_expired: 'let the cancel request expire',
  delete: 'deleted it',
  edit: 'edited it',
};

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
