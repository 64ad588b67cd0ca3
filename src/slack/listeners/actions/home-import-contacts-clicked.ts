import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { postResult } from '../../answer.js';
import { openContactsImport } from '../../files/open-file-modals.js';
import type { SlackContext } from '../../slack-context.js';
import { isRepeatedOpen } from './action-payload.js';

/** "Import contacts" on the Home tab opens the upload modal (the report goes to the app's DM). */
export function homeImportContactsClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, client }) => {
    await ack();
    if (await isRepeatedOpen(ctx, body)) return;
    const result = await openContactsImport(ctx, client, { triggerId: body.trigger_id, userId: body.user.id, origin: {} });
    if (result !== 'opened') await postResult(client, body.user.id, {}, result.reply, { updateCard: false });
  };
}
