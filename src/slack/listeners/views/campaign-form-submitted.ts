import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { errorReply } from '../../../commands/reply.js';
import { postResult } from '../../answer.js';
import { decodeMetadata, type ModalMetadata, type ViewState } from '../../blocks/modals/modal-kit.js';
import type { FormInitial } from '../../blocks/modals/campaign-form.js';
import { formInitialFor } from '../../campaign-form-data.js';
import { staleFormErrors } from '../../campaign-form-fingerprint.js';
import { campaignFormLine, fieldForError } from '../../campaign-form-line.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom } from './view-helpers.js';

/**
 * Create/edit form submitted: the form becomes one `new`/`edit` line for the command layer. A
 * failure is shown under the field it names (`response_action: errors`) and the modal stays open;
 * success closes it and posts the card (updated in place when the form came from a channel card).
 *
 * An edit form carries the version it was opened on. Only at that version is the campaign what
 * the person saw, so only then are the fields they changed (the form against the campaign) exactly
 * what they meant; the line carries `--if-version`, so the write is conditional on it and of two
 * concurrent submissions one wins. A submission on an older version is refused, naming what
 * someone else changed meanwhile, instead of writing the old values back.
 */
export function campaignFormSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    const userId = body.user.id;
    const zone = ctx.deps.config.accountTimeZone;
    const blocks = new Set((view.blocks ?? []).flatMap((b) => (b.block_id ? [b.block_id] : [])));
    const stale = async (m: ModalMetadata): Promise<Record<string, string> | null> => {
      if (m.campaignId === undefined || m.version === undefined) return null;
      const now = await ctx.deps.campaigns.get(m.campaignId);
      return now && now.version !== m.version ? staleFormErrors(m, await formInitialFor(ctx.deps, now), zone, blocks) : null;
    };
    let initial: FormInitial | undefined;
    if (meta.campaignId !== undefined) {
      const campaign = await ctx.deps.campaigns.get(meta.campaignId);
      if (!campaign) return ack(fieldError('f_name', 'This campaign no longer exists.'));
      if (meta.version !== undefined && campaign.version !== meta.version) {
        return ack({ response_action: 'errors', errors: staleFormErrors(meta, await formInitialFor(ctx.deps, campaign), zone, blocks) });
      }
      initial = await formInitialFor(ctx.deps, campaign);
    }
    const built = campaignFormLine(view.state.values as ViewState, initial, zone);
    if ('errors' in built) return ack({ response_action: 'errors', errors: built.errors as Record<string, string> });
    if (!built.changed) {
      await ack();
      return postResult(client, userId, originFrom(meta), errorReply('Nothing changed, so nothing was saved.'), { updateCard: false });
    }
    const line = initial && meta.version !== undefined ? `${built.line} --if-version ${meta.version}` : built.line;
    const outcome = await runCommand(ctx, line, userId, { key: `view:${view.id}:${view.hash ?? ''}` });
    if (outcome.skipped === 'forbidden') {
      await ack();
      return postResult(client, userId, originFrom(meta), outcome.reply, { updateCard: false });
    }
    if (!outcome.reply.ok) {
      // Someone else's change landed between the check above and the conditional write.
      const errors = await stale(meta);
      return ack(errors ? { response_action: 'errors', errors } : fieldError(fieldForError(outcome.reply.text), outcome.reply));
    }
    await ack();
    if (!outcome.skipped) await postResult(client, userId, originFrom(meta), outcome.reply, { updateCard: initial !== undefined });
  };
}
