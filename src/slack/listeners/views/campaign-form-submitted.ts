import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { errorReply } from '../../../commands/reply.js';
import { postResult } from '../../answer.js';
import { decodeMetadata, type ViewState } from '../../blocks/modals/modal-kit.js';
import type { FormInitial } from '../../blocks/modals/campaign-form.js';
import { formInitialFor } from '../../campaign-form-data.js';
import { campaignFormLine, fieldForError } from '../../campaign-form-line.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom } from './view-helpers.js';

/**
 * Create/edit form submitted: the form becomes one `new`/`edit` line for the command layer. A
 * failure is shown under the field it names (`response_action: errors`) and the modal stays open;
 * success closes it and posts the card (updated in place when the form came from a channel card).
 */
export function campaignFormSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    const userId = body.user.id;
    let initial: FormInitial | undefined;
    if (meta.campaignId !== undefined) {
      const campaign = await ctx.deps.campaigns.get(meta.campaignId);
      if (!campaign) return ack(fieldError('f_name', 'This campaign no longer exists.'));
      initial = await formInitialFor(ctx.deps, campaign);
    }
    const built = campaignFormLine(view.state.values as ViewState, initial);
    if ('errors' in built) return ack({ response_action: 'errors', errors: built.errors as Record<string, string> });
    if (!built.changed) {
      await ack();
      return postResult(client, userId, originFrom(meta), errorReply('Nothing changed, so nothing was saved.'), { updateCard: false });
    }
    const outcome = await runCommand(ctx, built.line, userId, { key: `view:${view.id}:${view.hash ?? ''}` });
    if (outcome.skipped === 'forbidden') {
      await ack();
      return postResult(client, userId, originFrom(meta), outcome.reply, { updateCard: false });
    }
    if (!outcome.reply.ok) return ack(fieldError(fieldForError(outcome.reply.text), outcome.reply));
    await ack();
    if (!outcome.skipped) await postResult(client, userId, originFrom(meta), outcome.reply, { updateCard: initial !== undefined });
  };
}
