import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { buildCommand, CommandSyntaxError } from '../../../commands/grammar/parse-command.js';
import { postResult } from '../../answer.js';
import { decodeMetadata, readField, type ViewState } from '../../blocks/modals/modal-kit.js';
import { formErrors } from '../../campaign-form-command.js';
import { FIELDS, VIEWS } from '../../ids.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom, replyError } from './view-helpers.js';

/**
 * Schedule form submitted: the typed schedule command (once at a date and time, or repeating on a
 * cron expression, in a zone), checked by the grammar's schemas. The form's own shape is checked
 * here (once or repeat, a date needs a time); the command layer decides the rest, and its refusal
 * stays in the modal under the field it names. Success updates the card.
 */
export function scheduleFormSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    if (meta.campaignId === undefined) return ack(fieldError(FIELDS.date.block, 'This form is out of date; open it again from the campaign.'));
    const state = view.state.values as ViewState;
    const [date, time, cron, tz] = [readField(state, 'date'), readField(state, 'time'), readField(state, 'cron'), readField(state, 'tz')];
    if (cron && (date || time)) return ack(fieldError(FIELDS.cron.block, 'Give a date and time to send once, or a cron expression to repeat, not both.'));
    if (!cron && !date && !time) return ack(fieldError(FIELDS.date.block, 'Pick a date and time to send once, or give a cron expression to repeat.'));
    if (date && !time) return ack(fieldError(FIELDS.time.block, 'Pick a time as well as the date.'));
    if (time && !date) return ack(fieldError(FIELDS.date.block, 'Pick a date as well as the time.'));
    let command;
    try {
      command = buildCommand('schedule', { campaignId: String(meta.campaignId), ...(cron ? { cron } : { at: `${date} ${time}` }), tz });
    } catch (error) {
      if (error instanceof CommandSyntaxError) return ack({ response_action: 'errors', errors: formErrors(error, VIEWS.schedule, FIELDS.date.block) });
      throw error;
    }
    const outcome = await runCommand(ctx, command, body.user.id, { key: `view:${view.id}:${view.hash ?? ''}` });
    if (!outcome.reply.ok && outcome.skipped !== 'forbidden') return ack(replyError(VIEWS.schedule, outcome.reply, FIELDS.date.block));
    await ack();
    if (outcome.skipped !== 'duplicate') await postResult(client, body.user.id, originFrom(meta), outcome.reply, { updateCard: !outcome.skipped });
  };
}
