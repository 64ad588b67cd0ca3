import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { campaignRef } from '../../../domain/campaign/campaign.js';
import { postResult } from '../../answer.js';
import { decodeMetadata, readField, type ViewState } from '../../blocks/modals/modal-kit.js';
import { FIELDS } from '../../ids.js';
import { quote, runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom } from './view-helpers.js';

/** Test send: `test C-1 --to ADDRESS`; an error about the address stays on the address field. */
export function testSendSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    if (meta.campaignId === undefined) return ack(fieldError(FIELDS.to.block, 'This form is out of date; open it again from the campaign.'));
    const to = readField(view.state.values as ViewState, 'to') ?? '';
    const outcome = await runCommand(ctx, `test ${campaignRef(meta.campaignId)} --to ${quote(to)}`, body.user.id, { key: `view:${view.id}:test` });
    if (!outcome.reply.ok && /--to|address/i.test(outcome.reply.text)) return ack(fieldError(FIELDS.to.block, outcome.reply));
    await ack();
    await postResult(client, body.user.id, originFrom(meta), outcome.reply, { updateCard: false });
  };
}
