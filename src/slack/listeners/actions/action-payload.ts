import type { BlockAction, BlockElementAction } from '@slack/bolt';
import { parseCampaignRef } from '../../../domain/campaign/campaign.js';
import type { Origin } from '../../open-modals.js';

/** The clicked button's value as a campaign id; buttons carry nothing else. */
export function campaignIdOf(body: BlockAction<BlockElementAction>): number | null {
  const action = body.actions[0];
  const value = action && 'value' in action && typeof action.value === 'string' ? action.value : '';
  return parseCampaignRef(value);
}

export function originOf(body: BlockAction<BlockElementAction>): Origin {
  const c = body.container as { channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
  const channelId = c.channel_id ?? body.channel?.id;
  // An ephemeral card cannot be chat.update'd; its response_url replaces it instead.
  const messageTs = c.is_ephemeral ? undefined : (c.message_ts ?? body.message?.ts);
  return { ...(channelId ? { channelId } : {}), ...(messageTs ? { messageTs } : {}) };
}

/** Identifies the card (message or view) a click came from, for idempotency keys. */
export function containerKey(body: BlockAction<BlockElementAction>): string {
  const c = body.container as { message_ts?: string; view_id?: string; channel_id?: string };
  return c.message_ts ? `${c.channel_id ?? ''}:${c.message_ts}` : (c.view_id ?? body.trigger_id);
}
