import type { types } from '@slack/bolt';
import { isActionAllowed, type CampaignStatus } from '../../domain/campaign/campaign-status.js';
import type { AlertKind } from '../../domain/ports/posted-alert-store.js';
import type { ChannelMessage } from '../channels/channel-poster.js';
import { ALERT_ACTIONS } from '../ids.js';
import { cut, LIMITS } from './mrkdwn.js';
import { context, fallbackText, section, type KnownBlock } from './reply-blocks.js';

/**
 * What an alert shows, kept with it (slack_alert.detail) so any replica can redraw it after a
 * change: the text parts are mrkdwn already escaped and with their mentions, the status decides
 * the buttons.
 */
export interface AlertContent {
  kind: AlertKind;
  campaignId: number | null;
  approvalId: number | null;
  /** One line: what this is about, e.g. `*C-12 "Big send" was suspended*`. */
  title: string;
  happened: string;
  todo: string;
  /** The campaign's status as last told (null for alerts not about one campaign). */
  status: CampaignStatus | null;
  /** An approval still waiting for its decision. */
  pending: boolean;
  /** Set once the problem is over (decided, expired, resumed, completed): how, by whom, when. */
  outcome: string | null;
  /** Who did what and when, oldest first (the last few are shown). */
  timeline: string[];
}

/** Lines of the timeline shown: the newest ones, so the message stays well inside its limits. */
export const TIMELINE_SHOWN = 8;

/** The on-call group as Slack mentions it (`<!subteam^S123>`), or nothing when none is configured. */
export function groupMention(groupId: string | null): string {
  return groupId ? `<!subteam^${groupId}>` : '';
}

/** The alert as Slack shows it: the group mention, what happened, what to do (or how it ended), who did what, and only the buttons that apply now. */
export function alertMessage(content: AlertContent, oncallGroup: string | null): ChannelMessage {
  const mention = groupMention(oncallGroup);
  const icon = content.outcome ? ':white_check_mark:' : content.kind === 'approval' ? ':raised_hand:' : ':rotating_light:';
  const blocks: KnownBlock[] = [
    section(`${icon} ${mention ? `${mention} ` : ''}${content.title}`),
    section(`*What happened:* ${content.happened}`),
    section(content.outcome ? `*Outcome:* ${content.outcome}` : `*What to do:* ${content.todo}`),
  ];
  const shown = content.timeline.slice(-TIMELINE_SHOWN);
  if (shown.length) {
    const older = content.timeline.length - shown.length;
    blocks.push(context(cut(`${older > 0 ? `…${older} earlier\n` : ''}${shown.join('\n')}`, LIMITS.contextText)));
  }
  const buttons = alertButtons(content);
  if (buttons.length) blocks.push({ type: 'actions', block_id: `alert_${content.kind}_${content.approvalId ?? content.campaignId ?? 'x'}`, elements: buttons });
  const text = `${mention ? `${mention} ` : ''}${content.title.replace(/\*/g, '')}: ${content.outcome ?? content.happened}`;
  return { text: fallbackText(text), blocks };
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger', confirm?: types.ConfirmationDialog): types.Button {
  return { type: 'button', text: { type: 'plain_text', text: cut(text, LIMITS.buttonText) }, action_id: actionId, value, ...(style ? { style } : {}), ...(confirm ? { confirm } : {}) };
}

/**
 * Only the buttons that apply: Approve cancel / Deny while an approval waits; Pause, Resume,
 * Retry failed as the campaign's status allows them (the same table the domain checks, which
 * still refuses a stale click); Open campaign whenever there is a campaign.
 */
export function alertButtons(content: AlertContent): types.Button[] {
  const out: types.Button[] = [];
  const campaign = content.campaignId !== null ? String(content.campaignId) : null;
  if (content.kind === 'approval') {
    if (content.pending && content.approvalId !== null) {
      const id = String(content.approvalId);
      out.push(
        button('Approve cancel', ALERT_ACTIONS.approve, id, 'danger', {
          title: { type: 'plain_text', text: 'Cancel the campaign?' },
          text: { type: 'mrkdwn', text: 'Cancelling cannot be undone; messages already sent are not recalled.' },
          confirm: { type: 'plain_text', text: 'Approve cancel' },
          deny: { type: 'plain_text', text: 'Back' },
          style: 'danger',
        }),
        button('Deny', ALERT_ACTIONS.deny, id),
      );
    }
  } else if (campaign && content.status) {
    const status = content.status;
    // A closed alert keeps what is still useful about its campaign: retrying what failed.
    const live = content.outcome === null || status === 'sending' || status === 'paused';
    if (live && isActionAllowed(status, 'resume')) out.push(button(content.kind === 'overdue' && status === 'suspended' ? 'Send now' : 'Resume', ALERT_ACTIONS.resume, campaign, 'primary'));
    if (live && isActionAllowed(status, 'pause') && status !== 'scheduled' && status !== 'queued') out.push(button('Pause', ALERT_ACTIONS.pause, campaign));
    if (isActionAllowed(status, 'retry')) out.push(button('Retry failed', ALERT_ACTIONS.retry, campaign));
  }
  if (campaign) out.push(button('Open campaign', ALERT_ACTIONS.open, campaign));
  return out;
}
