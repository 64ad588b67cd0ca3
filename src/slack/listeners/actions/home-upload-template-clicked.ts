import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { postResult } from '../../answer.js';
import { openTemplateUpload } from '../../files/open-file-modals.js';
import type { SlackContext } from '../../slack-context.js';
import { isRepeatedOpen } from './action-payload.js';

/** "Template from files" on the Home tab opens the template upload modal (results go to the app's DM). */
export function homeUploadTemplateClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, client }) => {
    await ack();
    if (await isRepeatedOpen(ctx, body)) return;
    const result = await openTemplateUpload(ctx, client, { triggerId: body.trigger_id, userId: body.user.id, origin: {} });
    if (result !== 'opened') await postResult(client, body.user.id, {}, result.reply, { updateCard: false });
  };
}
