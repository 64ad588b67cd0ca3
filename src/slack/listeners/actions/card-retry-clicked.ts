import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorReply } from '../../../commands/reply.js';
import { respondPrivately } from '../../answer.js';
import { openRetryConfirm } from '../../open-modals.js';
import type { SlackContext } from '../../slack-context.js';
import { campaignIdOf, isRepeatedOpen, originOf } from './action-payload.js';

/** The card's retry button opens the retry confirmation with the count; role and status are checked before it opens. */
export function cardRetryClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, respond, client }) => {
    await ack();
    if (await isRepeatedOpen(ctx, body)) return;
    const campaignId = campaignIdOf(body);
    if (campaignId === null) return respondPrivately(respond, errorReply('That button is out of date; run /campaign show again.'));
    const result = await openRetryConfirm(ctx, client, { triggerId: body.trigger_id, userId: body.user.id, origin: originOf(body), campaignId });
    if (result !== 'opened') await respondPrivately(respond, result.reply);
  };
}
