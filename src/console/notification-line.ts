import { DateTime } from 'luxon';
import { campaignRef } from '../domain/campaign/campaign.js';
import type { Notification } from '../domain/ports/notifier.js';

/**
 * A notification as one plain-text line for the console: when (in the account's zone), what, and
 * the command that acts on it where one does. The console has no buttons, so it names the commands.
 */
export function notificationLine(n: Notification, timeZone: string): string {
  const when = DateTime.fromJSDate(n.at, { zone: timeZone }).toFormat('HH:mm:ss');
  return `[${when}] ${describe(n, timeZone)}`;
}

function describe(n: Notification, zone: string): string {
  const at = (date: Date) => DateTime.fromJSDate(date, { zone }).toFormat('yyyy-LL-dd HH:mm ZZZZ');
  const who = (actor: string) => (actor.startsWith('system:') ? 'Herald' : actor);
  switch (n.kind) {
    case 'campaign.status_changed':
      return `${title(n)}: ${n.from} → ${n.to} by ${who(n.actor)}${n.reason ? ` (${n.reason})` : ''}.`;
    case 'campaign.suspended':
      return `ALERT ${title(n)} was suspended (it was ${n.from}): ${n.reason}. Fix the cause, then /campaign resume ${campaignRef(n.campaignId)}, or /campaign cancel ${campaignRef(n.campaignId)}.`;
    case 'campaign.launch_failed': {
      const why = n.reasons.length ? n.reasons.map((r) => r.message).join('; ') : (n.reason ?? 'see /campaign show');
      const verb = n.to === 'rejected' ? 'was rejected by the content rules' : 'could not launch';
      return `ALERT ${title(n)} ${verb}: ${why}. Edit it, then /campaign ${n.to === 'rejected' ? 'resubmit' : 'relaunch'} ${campaignRef(n.campaignId)}.`;
    }
    case 'campaign.overdue': {
      const head = `${title(n)} was due at ${at(n.dueAt)} and Herald was down`;
      const ref = campaignRef(n.campaignId);
      switch (n.outcome) {
        case 'sent_late':
          return `${head}: sending it now, late (--if-late send).`;
        case 'skipped':
          return `${head}: skipped that run (--if-late skip)${n.nextRunAt ? `; next run ${at(n.nextRunAt)}` : ''}.`;
        case 'missed':
          return `${head}: not sent (--if-late skip); it is stopped. Set a new time with /campaign edit ${ref} --at "YYYY-MM-DD HH:mm", then /campaign relaunch ${ref}.`;
        case 'held':
          return `ALERT ${head}; send now, skip, or cancel? /campaign resume ${ref} (send now), /campaign resume ${ref} --skip, or /campaign cancel ${ref} --confirm ${ref}.`;
      }
      return head;
    }
    case 'approval.requested':
      return (
        `APPROVAL A-${n.approvalId}: ${who(n.requestedBy)} asks to cancel ${title(n)}, which is sending${n.reason ? ` (${n.reason})` : ''}. ` +
        `Someone else with the approver role: /campaign approve A-${n.approvalId} or /campaign deny A-${n.approvalId} (expires ${at(n.expiresAt)}).`
      );
    case 'approval.decided':
      return `Approval A-${n.approvalId} to cancel ${title(n)} was ${n.decision} by ${who(n.decidedBy)} (asked by ${who(n.requestedBy)}).`;
    case 'approval.expired':
      return `Approval A-${n.approvalId} to cancel ${title(n)} expired at ${at(n.expiresAt)} with no decision (asked by ${who(n.requestedBy)}); ask again to cancel.`;
    case 'delivery.unknown':
      return (
        `ALERT ${n.count} message${n.count === 1 ? ' is' : 's are'} unknown: ${n.why === 'process_died' ? 'a Herald process died' : 'a sender stopped'} between handing ` +
        `${n.count === 1 ? 'it' : 'them'} to the provider and recording the answer. They may have been sent and are not resent by themselves: ` +
        'check with /campaign messages <id> --status unknown before retrying.'
      );
    case 'digest.ready':
      // The digest keeps its lines: a title, the totals, then each campaign (/campaign digest also writes its charts).
      return `DIGEST ${n.text}\n(charts: /campaign digest --date ${n.day})`;
  }
}

function title(n: { campaignId: number; campaignName: string }): string {
  return `${campaignRef(n.campaignId)} "${n.campaignName}"`;
}
