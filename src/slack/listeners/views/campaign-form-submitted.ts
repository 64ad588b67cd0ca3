import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { errorReply } from '../../../commands/reply.js';
import type { Campaign } from '../../../domain/campaign/campaign.js';
import { postResult } from '../../answer.js';
import { decodeMetadata, type ViewState } from '../../blocks/modals/modal-kit.js';
import type { FormInitial } from '../../blocks/modals/campaign-form.js';
import { formInitialFor } from '../../campaign-form-data.js';
import { campaignFormCommand } from '../../campaign-form-command.js';
import { staleFormErrors } from '../../campaign-form-fingerprint.js';
import { FIELDS, VIEWS } from '../../ids.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom, replyError } from './view-helpers.js';

/**
 * Create/edit form submitted: the form becomes a typed `new`/`edit` Command for the command layer.
 * A failure is shown under the field it names (`response_action: errors`, through ids.ts's table)
 * and the modal stays open; success closes it and posts the card (updated in place when the form
 * came from a channel card).
 *
 * An edit form keeps only the campaign's id and the version it was opened on. The campaign is read
 * again here: only at that version is it what the person saw, so only then are the fields they
 * changed (the form against the campaign) exactly what they meant; the command carries the version
 * (`ifVersion`), so the write is conditional on it and of two concurrent submissions one wins. A
 * submission on another version is refused, naming what someone else changed meanwhile, instead of
 * writing the old values back.
 */
export function campaignFormSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    const userId = body.user.id;
    const zone = ctx.deps.config.accountTimeZone;
    const blocks = (view.blocks ?? []) as Parameters<typeof staleFormErrors>[2];
    const staleErrors = async (campaign: Campaign) => ({ response_action: 'errors' as const, errors: staleFormErrors(await formInitialFor(ctx.deps, campaign), zone, blocks) });
    let initial: (FormInitial & { version: number }) | undefined;
    if (meta.campaignId !== undefined) {
      const campaign = await ctx.deps.campaigns.get(meta.campaignId);
      if (!campaign) return ack(fieldError(FIELDS.name.block, 'This campaign no longer exists.'));
      const version = meta.version ?? campaign.version;
      if (campaign.version !== version) return ack(await staleErrors(campaign));
      initial = { ...(await formInitialFor(ctx.deps, campaign)), version };
    }
    const built = campaignFormCommand(view.state.values as ViewState, initial, zone);
    if ('errors' in built) return ack({ response_action: 'errors', errors: built.errors });
    if ('unchanged' in built) {
      await ack();
      return postResult(client, userId, originFrom(meta), errorReply('Nothing changed, so nothing was saved.'), { updateCard: false });
    }
    const outcome = await runCommand(ctx, built.command, userId, { key: `view:${view.id}:${view.hash ?? ''}` });
    if (outcome.skipped === 'forbidden') {
      await ack();
      return postResult(client, userId, originFrom(meta), outcome.reply, { updateCard: false });
    }
    if (!outcome.reply.ok) {
      // Someone else's change landed between the check above and the conditional write.
      const now = initial ? await ctx.deps.campaigns.get(initial.campaign.id) : null;
      if (initial && now && now.version !== initial.version) return ack(await staleErrors(now));
      return ack(replyError(VIEWS.campaignForm, outcome.reply, FIELDS.name.block));
    }
    await ack();
    if (!outcome.skipped) await postResult(client, userId, originFrom(meta), outcome.reply, { updateCard: initial !== undefined });
  };
}
