import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { campaignRef } from '../../../domain/campaign/campaign.js';
import { postResult } from '../../answer.js';
import { decodeMetadata, readField, type ViewState } from '../../blocks/modals/modal-kit.js';
import { FIELDS } from '../../ids.js';
import { quote, runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom } from './view-helpers.js';

/**
 * Cancel confirmed: runs `cancel C-1 --confirm <typed>`; the command layer compares the typed id
 * (a mismatch stays in the modal as an error on the id field) and re-checks role and status.
 */
export function cancelConfirmSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    if (meta.campaignId === undefined) return ack(fieldError(FIELDS.confirmId.block, 'This form is out of date; open it again from the campaign.'));
    const state = view.state.values as ViewState;
    const typed = readField(state, 'confirmId') ?? '';
    const reason = readField(state, 'reason');
    const line = `cancel ${campaignRef(meta.campaignId)} --confirm ${quote(typed)}${reason ? ` --reason ${quote(reason)}` : ''}`;
    const outcome = await runCommand(ctx, line, body.user.id, { key: `view:${view.id}:cancel` });
    if (!outcome.reply.ok && outcome.skipped !== 'forbidden') return ack(fieldError(FIELDS.confirmId.block, outcome.reply));
    await ack();
    await postResult(client, body.user.id, originFrom(meta), outcome.reply, { updateCard: !outcome.skipped });
  };
}
