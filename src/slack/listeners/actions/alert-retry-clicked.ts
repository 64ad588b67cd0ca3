import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorReply } from '../../../commands/reply.js';
import { respondPrivately } from '../../answer.js';
import { openRetryConfirm } from '../../open-modals.js';
import type { SlackContext } from '../../slack-context.js';
import { campaignIdOf, isRepeatedOpen } from './action-payload.js';

/**
 * Retry failed on an alert opens the same confirmation as the card's (the real count first). Its
 * result goes to the person privately in the channel, never over the alert, which the desk redraws
 * when the campaign moves back to sending.
 */
export function alertRetryClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, respond, client }) => {
    await ack();
    if (await isRepeatedOpen(ctx, body)) return;
    const campaignId = campaignIdOf(body);
    if (campaignId === null) return respondPrivately(respond, errorReply('That button is out of date: run /campaign show again.'));
    const channelId = body.channel?.id ?? (body.container as { channel_id?: string }).channel_id;
    const result = await openRetryConfirm(ctx, client, { triggerId: body.trigger_id, userId: body.user.id, origin: channelId ? { channelId } : {}, campaignId });
    if (result !== 'opened') await respondPrivately(respond, result.reply);
  };
}
