import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorReply } from '../../../commands/reply.js';
import { respondPrivately } from '../../answer.js';
import { parseLinkControlValue } from '../../blocks/link-map.js';
import { openLinkEdit } from '../../open-modals.js';
import type { SlackContext } from '../../slack-context.js';
import { actionValue, isRepeatedOpen, originOf } from './action-payload.js';

/**
 * A click map's Edit button (or a link picked in its select) opens the link edit modal; role,
 * campaign and link are checked before it opens, and a refusal is answered privately.
 */
export function linkEditClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, respond, client }) => {
    await ack();
    if (await isRepeatedOpen(ctx, body)) return;
    const target = parseLinkControlValue(actionValue(body));
    if (!target) return respondPrivately(respond, errorReply('That button is out of date; run /campaign links again.'));
    const result = await openLinkEdit(ctx, client, { triggerId: body.trigger_id, userId: body.user.id, origin: originOf(body), ...target });
    if (result !== 'opened') await respondPrivately(respond, result.reply);
  };
}
