import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { buildCommand } from '../../../commands/grammar/parse-command.js';
import { postResult } from '../../answer.js';
import { decodeMetadata, readField, type ViewState } from '../../blocks/modals/modal-kit.js';
import { FIELDS, VIEWS } from '../../ids.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom, replyError } from './view-helpers.js';

/**
 * Cancel confirmed: the typed cancel command with the id typed back; the command layer compares it
 * (a mismatch stays in the modal as an error on the id field) and re-checks role and status.
 */
export function cancelConfirmSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    if (meta.campaignId === undefined) return ack(fieldError(FIELDS.confirmId.block, 'This form is out of date; open it again from the campaign.'));
    const state = view.state.values as ViewState;
    const command = buildCommand('cancel', { campaignId: String(meta.campaignId), confirm: readField(state, 'confirmId') ?? '', reason: readField(state, 'reason') });
    const outcome = await runCommand(ctx, command, body.user.id, { key: `view:${view.id}:cancel` });
    if (!outcome.reply.ok && outcome.skipped !== 'forbidden') return ack(replyError(VIEWS.cancelConfirm, outcome.reply, FIELDS.confirmId.block));
    await ack();
    await postResult(client, body.user.id, originFrom(meta), outcome.reply, { updateCard: !outcome.skipped });
  };
}
