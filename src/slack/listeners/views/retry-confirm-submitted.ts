import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { buildCommand } from '../../../commands/grammar/parse-command.js';
import { postResult } from '../../answer.js';
import { decodeMetadata } from '../../blocks/modals/modal-kit.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { originFrom } from './view-helpers.js';

/** Retry confirmed: the typed retry of every failed message, confirmed, through the command layer; the answer is posted. */
export function retryConfirmSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    await ack();
    const meta = decodeMetadata(view.private_metadata);
    if (meta.campaignId === undefined) return;
    const outcome = await runCommand(ctx, buildCommand('retry', { campaignId: String(meta.campaignId), all: true, confirm: true }), body.user.id, { key: `view:${view.id}:retry` });
    await postResult(client, body.user.id, originFrom(meta), outcome.reply, { updateCard: !outcome.skipped });
  };
}
