import type { types } from '@slack/bolt';
import type { Reply, ReplyCampaign } from '../../commands/reply.js';
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
}

/** Button order on the card: edit and look first, then launch, then hold/stop, then after-send. */
const BUTTONS: readonly ButtonSpec[] = [
  { action: 'edit', label: 'Edit', needs: 'edit' },
  { action: 'preview', label: 'Preview', needs: null },
  { action: 'test', label: 'Test send', needs: null },
  { action: 'clone', label: 'Clone', needs: 'clone' },
  { action: 'run', label: 'Run', needs: 'run', style: 'primary' },
  { action: 'relaunch', label: 'Relaunch', needs: 'relaunch', style: 'primary' },
  { action: 'resubmit', label: 'Resubmit', needs: 'resubmit', style: 'primary' },
  { action: 'pause', label: 'Pause', needs: 'pause' },
  { action: 'resume', label: 'Resume', needs: 'resume', style: 'primary' },
  { action: 'stop', label: 'Stop', needs: 'stop', style: 'danger' },
  { action: 'cancel', label: 'Cancel', needs: 'cancel', style: 'danger' },
  { action: 'retry', label: 'Retry failed', needs: 'retry' },
  { action: 'export', label: 'Export', needs: 'export' },
];

/** The card actions the campaign's status allows now, in display order. */
export function cardActions(campaign: Pick<ReplyCampaign, 'actions' | 'status'>): CardAction[] {
  return BUTTONS.filter((b) => (b.needs === null ? campaign.status !== 'cancelled' || b.action === 'preview' : campaign.actions.includes(b.needs))).map((b) => b.action);
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
      ...(b.action === 'stop'
        ? {
            confirm: {
              title: { type: 'plain_text', text: 'Stop this campaign?' },
              text: { type: 'mrkdwn', text: 'It halts before completion; you can edit and relaunch it later.' },
              confirm: { type: 'plain_text', text: 'Stop it' },
              deny: { type: 'plain_text', text: 'Keep going' },
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
