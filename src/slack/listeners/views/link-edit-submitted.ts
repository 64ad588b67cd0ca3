import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { buildCommand, CommandSyntaxError } from '../../../commands/grammar/parse-command.js';
import { postAnswer } from '../../answer.js';
import { urlShown } from '../../blocks/modals/link-edit.js';
import { cut } from '../../blocks/mrkdwn.js';
import { decodeMetadata, readField, type ViewState } from '../../blocks/modals/modal-kit.js';
import { formErrors } from '../../campaign-form-command.js';
import { FIELDS, VIEWS } from '../../ids.js';
import { roleFor } from '../../../commands/execute.js';
import { linkNow } from '../../open-modals.js';
import { hasRole, refusalText } from '../../roles.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom, replyError } from './view-helpers.js';

interface ViewBlock {
  block_id?: string;
  element?: { initial_value?: string };
}

/**
 * The link edit modal submitted: the typed `links <id> edit <link> --url` command, built from the
 * ids the modal keeps and the URL typed, checked by the grammar's schemas. Before it runs, the link
 * is read again (through `links <id>`, the role checked): a campaign or link gone since, or a
 * destination someone else changed since the modal showed it, is refused rather than overwritten.
 * Every refusal (a bad URL, an unknown link, a role that may not edit) stays in the modal under
 * the URL field; success closes it and the answer goes where the typed command's would. A Slack
 * retry of an applied submission is answered by closing the modal, once.
 */
export function linkEditSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const block = FIELDS.url.block;
    const meta = decodeMetadata(view.private_metadata);
    if (meta.campaignId === undefined || meta.linkId === undefined) return ack(fieldError(block, 'This form is out of date; open it again from /campaign links.'));
    const userId = body.user.id;
    // The destination the modal showed: the edit is written only if the link still goes there.
    const shown = ((view.blocks ?? []) as ViewBlock[]).find((b) => b.block_id === block)?.element?.initial_value;
    let command;
    try {
      command = buildCommand('links edit', {
        campaignId: String(meta.campaignId),
        linkId: String(meta.linkId),
        url: readField(view.state.values as ViewState, 'url') ?? '',
        ...(shown ? { ifUrl: shown } : {}),
      });
    } catch (error) {
      if (error instanceof CommandSyntaxError) return ack({ response_action: 'errors', errors: formErrors(error, VIEWS.linkEdit, block) });
      throw error;
    }
    // The role as it is now (it may have been taken away since the modal opened); runCommand checks it again.
    const role = await ctx.roleOf(userId);
    if (!hasRole(role, roleFor(command))) return ack(fieldError(block, refusalText(roleFor(command), role, 'Editing a link')));
    // A Slack retry of a submission already applied closes the modal; the first delivery answered.
    const key = `view:${view.id}:link`;
    if (await ctx.idempotency.recall(key)) return ack();
    const now = await linkNow(ctx, userId, meta.campaignId, meta.linkId);
    if (!now.ok) return ack(replyError(VIEWS.linkEdit, now.outcome.reply, block));
    // Said here first, in the modal's words; the conditional write (--if-url) closes the race after this read.
    if (shown !== undefined && shown !== urlShown(now.link.url)) {
      return ack(fieldError(block, `Changed by someone else since you opened this form: L-${meta.linkId} now goes to ${cut(now.link.url, 120)}. Nothing was saved: close this form and press Edit again.`));
    }
    const outcome = await runCommand(ctx, command, userId, { key, what: 'Editing a link' });
    if (!outcome.reply.ok) return ack(replyError(VIEWS.linkEdit, outcome.reply, block));
    await ack();
    if (outcome.skipped !== 'duplicate') await postAnswer(client, userId, originFrom(meta), outcome.reply);
  };
}
