import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { buildCommand } from '../../../commands/grammar/parse-command.js';
import { errorReply } from '../../../commands/reply.js';
import { respondPrivately } from '../../answer.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { campaignIdOf, isRepeatedOpen, STALE_BUTTON } from './action-payload.js';

/** Open campaign on an alert: the campaign's card, with its own buttons, shown to the person who clicked (the alert stays as it is). */
export function alertOpenClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, respond }) => {
    await ack();
    if (await isRepeatedOpen(ctx, body)) return;
    const id = campaignIdOf(body);
    if (id === null) return respondPrivately(respond, errorReply(STALE_BUTTON));
    const outcome = await runCommand(ctx, buildCommand('show', { campaignId: String(id) }), body.user.id);
    await respondPrivately(respond, outcome.reply);
  };
}
