import { createHash } from 'node:crypto';
import { formatTime } from '../../commands/render-campaign.js';
import { campaignRef } from '../../domain/campaign/campaign.js';
import type { CampaignStatus } from '../../domain/campaign/campaign-status.js';
import type { NotificationSubscriber } from '../../domain/notifications/notification-bus.js';
import { isCampaignMove, type CampaignMove, type Notification } from '../../domain/ports/notifier.js';
import type { AlertKind, PostedAlert, PostedAlertStore } from '../../domain/ports/posted-alert-store.js';
import { alertMessage, type AlertContent } from '../blocks/alert-message.js';
import { cut, escapeMrkdwn } from '../blocks/mrkdwn.js';
import { section } from '../blocks/reply-blocks.js';
import type { ChannelPoster } from '../channels/channel-poster.js';
import type { SlackLogger } from '../slack-context.js';

export interface AlertDeskOptions {
  poster: ChannelPoster;
  store: PostedAlertStore;
  /** The alerts channel (SLACK_ALERTS_CHANNEL); null: no alerts, only the requesters' DMs. */
  channel: string | null;
  /** The on-call user group every alert mentions (SLACK_ONCALL_GROUP). */
  oncallGroup: string | null;
  /** The account's time zone, for the times alerts show. */
  zone: string;
  logger: SlackLogger;
}

/** A Slack user id (U…, or W… on Enterprise Grid): such actors acted from Slack and are shown as mentions. */
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/** The alert kinds that follow their campaign's status (the subject is the campaign id). */
const CAMPAIGN_KINDS: readonly AlertKind[] = ['suspended', 'launch_failed', 'overdue'];
/** While its campaign is in one of these, the alert's problem is still there. */
const PROBLEM: Record<string, readonly CampaignStatus[]> = { suspended: ['suspended'], overdue: ['suspended'], launch_failed: ['failed', 'rejected'] };
/** Past these nothing more happens to the campaign by itself: the alert is closed. */
const SETTLED: readonly CampaignStatus[] = ['completed', 'cancelled', 'stopped', 'failed', 'rejected'];

/**
 * The alerts channel, driven by notifications (issue 12): an alert is posted for a cancel waiting
 * for approval, a suspension, a failed or rejected launch, an overdue send held for a person and
 * messages left unknown by a crash; each is edited in place (slack_alert keeps where it is) as
 * people act — from Slack or the console, the notification's actor says who — and as the problem
 * clears by itself. The requester of a cancel hears its outcome by DM however it was decided.
 * Buttons only build typed commands (listeners/actions/alert-*), so every change comes back here
 * as a notification: one path for a click, a slash command and the console. Notifications come
 * through the outbox relay, at least once: each alert records the notifications it shows
 * (`applied` in its detail), so a repeat posts no second alert, adds no timeline line, sends no DM.
 */
export function alertDesk(options: AlertDeskOptions): NotificationSubscriber {
  const { poster, store, channel, oncallGroup, zone, logger } = options;
  const time = (date: Date) => formatTime(date, zone);
  const who = (actor: string) => (actor.startsWith('system:') ? 'Herald' : SLACK_USER.test(actor) ? `<@${actor}>` : `${escapeMrkdwn(cut(actor, 80))} (console)`);
  const name = (n: { campaignId: number; campaignName: string }) => `${campaignRef(n.campaignId)} "${escapeMrkdwn(cut(n.campaignName, 80))}"`;

  async function open(kind: AlertKind, subjectId: string, content: AlertContent, n: Notification): Promise<void> {
    if (!channel) return;
    const existing = await store.get(kind, subjectId);
    if (existing && applied(existing, n)) return;
    const posted = await poster.post(channel, alertMessage(content, oncallGroup));
    if (!posted) return logger.warn('alert not posted', { kind, subjectId, channel });
    await store.save({ kind, subjectId, channel: posted.channel, ts: posted.ts, state: 'open', detail: recording(content, null, n), createdAt: n.at, updatedAt: n.at });
  }

  /** Redraws an alert; one whose message is gone (deleted, channel archived) is posted again. A notification it already shows changes nothing. */
  async function redraw(alert: PostedAlert, content: AlertContent, state: 'open' | 'closed', n: Notification): Promise<void> {
    if (applied(alert, n)) return;
    const at = n.at;
    const message = alertMessage(content, oncallGroup);
    let place = { channel: alert.channel, ts: alert.ts };
    if (!(await poster.update(place, message))) {
      const again = channel ? await poster.post(channel, message) : null;
      if (!again) return logger.warn('alert not updated', { kind: alert.kind, subjectId: alert.subjectId });
      place = again;
    }
    await store.update(alert.kind, alert.subjectId, { ...place, state, detail: recording(content, alert, n), updatedAt: at });
  }

  async function tell(userId: string, text: string): Promise<void> {
    if (!SLACK_USER.test(userId)) return;
    const sent = await poster.post(userId, { text, blocks: [section(text)] });
    if (!sent) logger.warn('could not tell the requester about their approval', { userId });
  }

  async function onApproval(n: Extract<Notification, { kind: `approval.${string}` }>): Promise<void> {
    const ref = campaignRef(n.campaignId);
    const subject = String(n.approvalId);
    if (n.kind === 'approval.requested') {
      return open('approval', subject, {
        kind: 'approval',
        campaignId: n.campaignId,
        approvalId: n.approvalId,
        title: `*Cancel of ${name(n)} needs an approver (A-${n.approvalId})*`,
        happened: `${who(n.requestedBy)} asked to cancel it while it is sending${n.reason ? `: “${escapeMrkdwn(cut(n.reason, 300))}”` : ''}. Messages already sent are never recalled.`,
        todo: `Someone with the approver role other than ${who(n.requestedBy)}: *Approve cancel* or *Deny* (or \`/campaign approve A-${n.approvalId}\` / \`/campaign deny A-${n.approvalId}\`). The request expires at ${time(n.expiresAt)}.`,
        status: 'sending',
        pending: true,
        outcome: null,
        timeline: [`${time(n.at)} · requested by ${who(n.requestedBy)}`],
      }, n);
    }
    const alert = await store.get('approval', subject);
    const content = alert ? (alert.detail as unknown as AlertContent) : null;
    // The relay hands a notification on at least once: a repeat the alert already shows tells nobody again.
    if (alert && applied(alert, n)) return;
    if (n.kind === 'approval.decided') {
      const verb = n.decision === 'approved' ? 'Approved' : 'Denied';
      const effect = n.decision === 'approved' ? `${ref} is cancelled.` : `${ref} keeps sending.`;
      if (alert && content) {
        await redraw(alert, { ...content, pending: false, outcome: `${verb} by ${who(n.decidedBy)} at ${time(n.at)}: ${effect}`, timeline: [...content.timeline, `${time(n.at)} · ${verb.toLowerCase()} by ${who(n.decidedBy)}`] }, 'closed', n);
      }
      const decider = SLACK_USER.test(n.decidedBy) ? `<@${n.decidedBy}>` : who(n.decidedBy);
      await tell(n.requestedBy, `${decider} ${n.decision} your request A-${n.approvalId} to cancel ${ref}${n.decision === 'approved' ? ': it is cancelled.' : '; it keeps sending.'}`);
      return;
    }
    if (alert && content) {
      await redraw(alert, { ...content, pending: false, outcome: `Expired at ${time(n.expiresAt)} with no decision; ${ref} keeps sending. ${who(n.requestedBy)} can ask again.`, timeline: [...content.timeline, `${time(n.at)} · expired, nobody decided`] }, 'closed', n);
    }
    await tell(n.requestedBy, `Your request A-${n.approvalId} to cancel ${ref} expired at ${time(n.expiresAt)} with no decision; ${ref} keeps sending. Ask again with /campaign cancel ${ref} if it should still stop.`);
  }

  /** A suspension or failed launch opens an alert, or refreshes the open one of its campaign. */
  async function openCampaignAlert(kind: 'suspended' | 'launch_failed', n: Extract<Notification, CampaignMove> & { kind: 'campaign.suspended' | 'campaign.launch_failed' }): Promise<void> {
    const subject = String(n.campaignId);
    const ref = campaignRef(n.campaignId);
    const existing = await store.get(kind, subject);
    const line = `${time(n.at)} · ${n.from} → ${n.to}${n.actor.startsWith('system:') ? '' : ` by ${who(n.actor)}`}`;
    if (existing?.state === 'open') {
      const content = existing.detail as unknown as AlertContent;
      return redraw(existing, { ...content, status: n.to, outcome: null, happened: happenedOf(n), timeline: [...content.timeline, `${line} (again)`] }, 'open', n);
    }
    const todo =
      n.kind === 'campaign.suspended'
        ? `Fix the cause (the provider, its quota or balance; the failures: \`/campaign messages ${ref} --status failed\`), then *Resume*; or cancel it with \`/campaign cancel ${ref}\`.`
        : `Open the campaign, fix what is named, then \`/campaign ${n.to === 'rejected' ? 'resubmit' : 'relaunch'} ${ref}\`.`;
    await open(kind, subject, { kind, campaignId: n.campaignId, approvalId: null, title: titleOf(n), happened: happenedOf(n), todo, status: n.to, pending: false, outcome: null, timeline: [line] }, n);
  }

  function titleOf(n: Extract<Notification, CampaignMove>): string {
    if (n.kind === 'campaign.suspended') return `*${name(n)} was suspended*`;
    return n.to === 'rejected' ? `*${name(n)} was rejected by the content rules*` : `*${name(n)} could not launch*`;
  }

  function happenedOf(n: Extract<Notification, CampaignMove>): string {
    if (n.kind === 'campaign.suspended') return `Herald stopped it while it was ${n.from}: ${escapeMrkdwn(cut(n.reason, 500))}.`;
    if (n.kind === 'campaign.launch_failed') {
      const reasons = n.reasons.length ? n.reasons.map((r) => `• ${escapeMrkdwn(cut(r.message, 300))}`).slice(0, 10).join('\n') : escapeMrkdwn(cut(n.reason ?? 'see the campaign', 500));
      return `${n.reasons.length > 1 ? '\n' : ''}${reasons}`;
    }
    return `${n.from} → ${n.to}`;
  }

  /** Every open alert about the campaign hears of its move: who did what, when, and whether that cleared it. */
  async function follow(alert: PostedAlert, n: Extract<Notification, CampaignMove>): Promise<void> {
    const content = alert.detail as unknown as AlertContent;
    const problem = PROBLEM[alert.kind] ?? [];
    const line = `${time(n.at)} · ${moveVerb(n.from, n.to)} by ${who(n.actor)}${n.reason && !n.actor.startsWith('system:') ? ` (${escapeMrkdwn(cut(n.reason, 200))})` : ''}`;
    const cleared = !problem.includes(n.to);
    const outcome = cleared ? `${moveVerb(n.from, n.to)} by ${who(n.actor)} at ${time(n.at)}.` : null;
    const state = cleared && SETTLED.includes(n.to) ? 'closed' : 'open';
    await redraw(alert, { ...content, status: n.to, outcome, timeline: [...content.timeline, line] }, state, n);
  }

  async function onMove(n: Extract<Notification, CampaignMove>): Promise<void> {
    const opened: AlertKind | null = n.kind === 'campaign.suspended' ? 'suspended' : n.kind === 'campaign.launch_failed' ? 'launch_failed' : null;
    if (n.kind === 'campaign.suspended') await openCampaignAlert('suspended', n);
    if (n.kind === 'campaign.launch_failed') await openCampaignAlert('launch_failed', n);
    for (const alert of await store.openFor(CAMPAIGN_KINDS, String(n.campaignId))) {
      if (alert.kind !== opened) await follow(alert, n);
    }
  }

  return async (n: Notification) => {
    if (n.kind === 'approval.requested' || n.kind === 'approval.decided' || n.kind === 'approval.expired') return onApproval(n);
    if (isCampaignMove(n)) return onMove(n);
    if (n.kind === 'campaign.overdue') {
      if (n.outcome !== 'held') return;
      const ref = campaignRef(n.campaignId);
      return open('overdue', String(n.campaignId), {
        kind: 'overdue',
        campaignId: n.campaignId,
        approvalId: null,
        title: `*${name(n)} missed its send time and waits for a person*`,
        happened: `It was due at ${time(n.dueAt)} while Herald was not running; its late-send policy is to ask (\`--if-late ask\`), so it is held.`,
        todo: `*Send now*, skip this run with \`/campaign resume ${ref} --skip\`, or cancel it with \`/campaign cancel ${ref}\`.`,
        status: 'suspended',
        pending: false,
        outcome: null,
        timeline: [`${time(n.at)} · held as overdue`],
      }, n);
    }
    if (n.kind === 'delivery.unknown') {
      const them = n.count === 1 ? 'it' : 'them';
      return open('unknown', `${n.why}:${n.owner ?? ''}:${n.at.getTime()}`, {
        kind: 'unknown',
        campaignId: null,
        approvalId: null,
        title: `*${n.count} message${n.count === 1 ? ' is' : 's are'} unknown after ${n.why === 'process_died' ? 'a Herald process died' : 'a sender lost its lease'}*`,
        happened: `The sender stopped between handing ${them} to the provider and recording the answer${n.owner ? ` (${escapeMrkdwn(cut(n.owner, 100))})` : ''}. ${n.count === 1 ? 'It' : 'They'} may have been sent; Herald never resends ${them} by itself.`,
        todo: `Check with \`/campaign messages <campaign> --status unknown\` (and the provider's logs), then retry by hand only what did not go out.`,
        status: null,
        pending: false,
        outcome: null,
        timeline: [`${time(n.at)} · found by Herald`],
      }, n);
    }
  };
}

/** How many notifications an alert remembers having shown (a repeat is always of a recent one). */
const APPLIED_KEPT = 20;

/** A notification's identity: the relay repeats the very same value, dates and all. */
function fingerprint(n: Notification): string {
  return createHash('sha256').update(JSON.stringify(n)).digest('base64url').slice(0, 16);
}

/** Whether the alert already shows this notification (recorded in its detail's `applied`). */
function applied(alert: PostedAlert, n: Notification): boolean {
  const seen = alert.detail.applied;
  return Array.isArray(seen) && seen.includes(fingerprint(n));
}

/** The detail to store: the content, and the notifications it shows (the latest few). */
function recording(content: AlertContent, alert: PostedAlert | null, n: Notification): Record<string, unknown> {
  const before = alert && Array.isArray(alert.detail.applied) ? (alert.detail.applied as string[]) : [];
  return { ...(content as unknown as Record<string, unknown>), applied: [...before, fingerprint(n)].slice(-APPLIED_KEPT) };
}

function moveVerb(from: CampaignStatus, to: CampaignStatus): string {
  if (to === 'sending') return from === 'paused' || from === 'suspended' ? 'Resumed' : from === 'completed' ? 'Retrying failed messages' : 'Started sending';
  if (to === 'queued' || to === 'scheduled') return from === 'paused' || from === 'suspended' ? 'Resumed' : to === 'queued' ? 'Built and queued' : 'Scheduled';
  const verbs: Partial<Record<CampaignStatus, string>> = { paused: 'Paused', suspended: 'Suspended', completed: 'Completed', cancelled: 'Cancelled', stopped: 'Stopped', failed: 'Failed to launch', rejected: 'Rejected' };
  return verbs[to] ?? `Moved to ${to}`;
}
