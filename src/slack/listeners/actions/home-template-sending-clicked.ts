import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { postResult } from '../../answer.js';
import { openTemplateSending } from '../../open-modals.js';
import type { SlackContext } from '../../slack-context.js';
import { isRepeatedOpen } from './action-payload.js';

/** "Sending details" next to a template on the Home tab: opens the two-step edit modal. */
export function homeTemplateSendingClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, client }) => {
    await ack();
    if (await isRepeatedOpen(ctx, body)) return;
    const action = body.actions[0];
    const templateId = Number(action && 'value' in action ? action.value : NaN);
    if (!Number.isInteger(templateId) || templateId <= 0) return;
    const result = await openTemplateSending(ctx, client, { triggerId: body.trigger_id, userId: body.user.id, origin: {}, templateId });
    if (result !== 'opened') await postResult(client, body.user.id, {}, result.reply, { updateCard: false });
  };
}
