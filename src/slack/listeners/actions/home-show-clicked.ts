import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { buildCommand } from '../../../commands/grammar/parse-command.js';
import { postResult } from '../../answer.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { campaignIdOf, isRepeatedOpen } from './action-payload.js';

/** "Show" on the Home tab: the campaign's card arrives in the app's DM, where its buttons work. */
export function homeShowClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, client }) => {
    await ack();
    if (await isRepeatedOpen(ctx, body)) return;
    const id = campaignIdOf(body);
    if (id === null) return;
    const outcome = await runCommand(ctx, buildCommand('show', { campaignId: String(id) }), body.user.id);
    await postResult(client, body.user.id, {}, outcome.reply, { updateCard: false });
  };
}
