import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { appErrorReply } from '../../../commands/error-replies.js';
import { buildCommand } from '../../../commands/grammar/parse-command.js';
import { campaignRef } from '../../../domain/campaign/campaign.js';
import { channelSpec } from '../../../domain/channels/channel-spec.js';
import { testRecipient } from '../../../domain/delivery/send-test-message.js';
import { isAppError } from '../../../domain/errors.js';
import { postResult } from '../../answer.js';
import { decodeMetadata, readField, type ViewState } from '../../blocks/modals/modal-kit.js';
import { FIELDS } from '../../ids.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom } from './view-helpers.js';

/**
 * Test send: the address is checked first (an error stays on the address field), then the modal is
 * acknowledged and closes, and only then the typed test command runs: it waits for the pacer and
 * the provider, which may take longer than Slack's 3 seconds. The person hears the result privately.
 */
export function testSendSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    if (meta.campaignId === undefined) return ack(fieldError(FIELDS.to.block, 'This form is out of date; open it again from the campaign.'));
    const to = readField(view.state.values as ViewState, 'to') ?? '';
    const campaign = await ctx.deps.campaigns.get(meta.campaignId);
    if (!campaign) return ack(fieldError(FIELDS.to.block, `${campaignRef(meta.campaignId)} no longer exists.`));
    try {
      testRecipient(channelSpec(ctx.deps.config.channels, campaign.channel), to);
    } catch (error) {
      if (isAppError(error)) return ack(fieldError(FIELDS.to.block, appErrorReply(error)));
      throw error;
    }
    await ack();
    const outcome = await runCommand(ctx, buildCommand('test', { campaignId: String(meta.campaignId), to }), body.user.id, { key: `view:${view.id}:test` });
    // The same submission twice (a double press of Send): the first one answers.
    if (outcome.skipped === 'duplicate') return;
    await postResult(client, body.user.id, originFrom(meta), outcome.reply, { updateCard: false });
  };
}
