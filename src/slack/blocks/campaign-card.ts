import type { types } from '@slack/bolt';
import type { Reply, ReplyCampaign } from '../../commands/reply.js';
import { findSubcommand } from '../../commands/grammar/commands.js';
import type { CampaignAction } from '../../domain/campaign/campaign-status.js';
import { CARD_ACTIONS, type CardAction } from '../ids.js';
import { cut, LIMITS } from './mrkdwn.js';
import { replyToMessage, type KnownBlock, type SlackMessage } from './reply-blocks.js';

interface ButtonSpec {
  action: CardAction;
  label: string;
  /** The state-machine action that must be allowed; null: the button only reads (preview, test send). */
  needs: CampaignAction | null;
  style?: 'primary' | 'danger';
  /** Asked in Slack's own confirm dialog before the click is sent (the action cannot be taken back). */
  confirm?: { title: string; text: string; yes: string; no: string };
}

/** Button order on the card: edit and look first, then launch, then hold/stop, then after-send, delete last. */
const BUTTONS: readonly ButtonSpec[] = [
  { action: 'edit', label: 'Edit', needs: 'edit' },
  { action: 'preview', label: 'Preview', needs: null },
  { action: 'test', label: 'Test send', needs: null },
  { action: 'clone', label: 'Clone', needs: 'clone' },
  { action: 'run', label: 'Run', needs: 'run', style: 'primary' },
  { action: 'schedule', label: 'Schedule', needs: 'schedule', style: 'primary' },
  { action: 'relaunch', label: 'Relaunch', needs: 'relaunch', style: 'primary' },
  { action: 'resubmit', label: 'Resubmit', needs: 'resubmit', style: 'primary' },
  { action: 'pause', label: 'Pause', needs: 'pause' },
  { action: 'resume', label: 'Resume', needs: 'resume', style: 'primary' },
  {
    action: 'stop', label: 'Stop', needs: 'stop', style: 'danger',
    confirm: { title: 'Stop this campaign?', text: 'It halts before completion; you can edit and relaunch it later.', yes: 'Stop it', no: 'Keep going' },
  },
  { action: 'cancel', label: 'Cancel', needs: 'cancel', style: 'danger' },
  { action: 'retry', label: 'Retry failed', needs: 'retry' },
  // The figures and charts of /campaign stats, once there are messages to count (where an export is allowed).
  { action: 'stats', label: 'Stats', needs: 'export' },
  { action: 'export', label: 'Export', needs: 'export' },
  {
    action: 'delete', label: 'Delete', needs: 'delete', style: 'danger',
    confirm: { title: 'Delete this campaign?', text: 'It disappears from lists; its activity log and messages are kept for the record.', yes: 'Delete it', no: 'Keep it' },
  },
];

/** A button exists only when its command does in this build. */
function commandExists(action: CardAction): boolean {
  return findSubcommand(action)?.available ?? false;
}

/**
 * The card actions the campaign's status allows now and that can do something, in display order:
 * the command exists in this build, and Retry only when some message is failed or unknown.
 */
export function cardActions(campaign: Pick<ReplyCampaign, 'actions' | 'status' | 'retryable'>): CardAction[] {
  return BUTTONS.filter((b) => (b.needs === null ? campaign.status !== 'cancelled' || b.action === 'preview' : campaign.actions.includes(b.needs)))
    .filter((b) => commandExists(b.action))
    .filter((b) => b.action !== 'retry' || campaign.retryable > 0)
    .map((b) => b.action);
}

export function cardActionsBlock(campaign: ReplyCampaign): types.ActionsBlock {
  const allowed = new Set(cardActions(campaign));
  const elements: types.Button[] = BUTTONS.filter((b) => allowed.has(b.action))
    .slice(0, LIMITS.actionsElements)
    .map((b) => ({
      type: 'button',
      action_id: CARD_ACTIONS[b.action],
      text: { type: 'plain_text', text: cut(b.label, LIMITS.buttonText) },
      // Only the id: the listener re-reads the campaign and re-checks role and status.
      value: String(campaign.id),
      ...(b.style ? { style: b.style } : {}),
      ...(b.confirm
        ? {
            confirm: {
              title: { type: 'plain_text', text: b.confirm.title },
              text: { type: 'mrkdwn', text: b.confirm.text },
              confirm: { type: 'plain_text', text: b.confirm.yes },
              deny: { type: 'plain_text', text: b.confirm.no },
            },
          }
        : {}),
    }));
  // The version the card shows is in its block_id: a click on this drawing of the card is one press
  // however often Slack delivers it, and the same button on a redrawn card is a new one (clickKey).
  return { type: 'actions', block_id: `card_${campaign.id}_v${campaign.version}`, elements };
}

/** A reply that shows one campaign, as a card: the reply's blocks plus the buttons its status allows. */
export function campaignCardMessage(reply: Reply): SlackMessage {
  if (!reply.campaign) return replyToMessage(reply);
  const actions = cardActionsBlock(reply.campaign);
  const hasButtons = actions.elements.length > 0;
  const message = replyToMessage(reply, LIMITS.messageBlocks - (hasButtons ? 1 : 0));
  const blocks: KnownBlock[] = hasButtons ? [...message.blocks, actions] : message.blocks;
  return { text: message.text, blocks };
}

/** Any reply as a message: a card when it is about one campaign. */
export function messageFor(reply: Reply): SlackMessage {
  return reply.campaign ? campaignCardMessage(reply) : replyToMessage(reply);
}
