import type { BlockAction, BlockElementAction } from '@slack/bolt';
import { parseCampaignRef } from '../../../domain/campaign/campaign.js';
import type { Origin } from '../../open-modals.js';
import type { SlackContext } from '../../slack-context.js';

/** What a person reads when a button's value names no campaign (a card from an older Herald, a forged click). */
export const STALE_BUTTON = 'That button is out of date; run /campaign show again.';

/** The value of the button pressed or of the option picked in a select ('' when it has none). */
export function actionValue(body: BlockAction<BlockElementAction>): string {
  const action = body.actions[0] as { value?: unknown; selected_option?: { value?: unknown } | null } | undefined;
  const value = action?.value ?? action?.selected_option?.value;
  return typeof value === 'string' ? value : '';
}

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

/**
 * What identifies one press of a button, whatever happened since: the card it was on (message or
 * view), its block (a campaign card's block_id carries the version the card showed), the button,
 * its value and the person. A Slack retry and a double click share it, so neither runs twice; the
 * same button on the card after it was redrawn (a new version) is a new press. The campaign's
 * version at processing time must not be in it: after the first press it has moved on, and the
 * repeat would run again (and be refused as "not allowed now").
 */
export function clickKey(body: BlockAction<BlockElementAction>): string {
  const action = body.actions[0];
  const value = actionValue(body);
  return `${containerKey(body)}:${action?.block_id ?? ''}:${action?.action_id ?? ''}:${value}:${body.user.id}`;
}

/** When the person clicked, as Slack stamped it (action_ts): the same in every delivery of one click. */
export function clickTime(body: BlockAction<BlockElementAction>, fallback: Date): Date {
  const ts = Number((body.actions[0] as { action_ts?: string } | undefined)?.action_ts);
  return Number.isFinite(ts) && ts > 0 ? new Date(Math.round(ts * 1000)) : fallback;
}

/**
 * A modal can only be opened within 3 s of its click (trigger_id's life), so a second press of an
 * opening button within that is the same intent (a double click); later it is a new request.
 */
export const OPEN_REPEAT_WINDOW_MS = 3_000;

/**
 * True when this press of a button that opens a modal (or posts a card) repeats one already handled:
 * a Slack retry of the same click, or a double click. The repeat is answered with a quiet ack; the
 * first press opens the modal.
 */
export async function isRepeatedOpen(ctx: SlackContext, body: BlockAction<BlockElementAction>): Promise<boolean> {
  const claimed = await ctx.idempotency.claimWithin(`open:${clickKey(body)}`, clickTime(body, ctx.deps.clock.now()), OPEN_REPEAT_WINDOW_MS);
  return !claimed;
}
