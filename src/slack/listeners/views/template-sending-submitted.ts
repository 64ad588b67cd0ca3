import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { buildCommand, CommandSyntaxError } from '../../../commands/grammar/parse-command.js';
import { postResult } from '../../answer.js';
import { decodeMetadata, readField, type ViewState } from '../../blocks/modals/modal-kit.js';
import { templateSendingView, type SendingValues } from '../../blocks/modals/template-sending.js';
import { formErrors } from '../../campaign-form-command.js';
import { FIELDS, VIEWS } from '../../ids.js';
import { asksConfirmation } from '../../open-modals.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom, replyError } from './view-helpers.js';

const FIELD_NAMES = ['fromName', 'fromEmail', 'replyTo', 'smsSender'] as const satisfies readonly (keyof SendingValues)[];

/**
 * Template sending details, in two steps: the first submit runs the typed `templates edit` without
 * confirming, which saves nothing and lists the future campaigns it would change; the modal is then
 * updated to that confirmation, and its submit runs the same command confirmed. The template is
 * re-read on each submit from the id the modal keeps.
 */
export function templateSendingSubmitted(ctx: SlackContext, confirm: boolean): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    const template = meta.templateId !== undefined ? await ctx.deps.templates.get(meta.templateId) : null;
    const first = template?.channel === 'sms' ? FIELDS.smsSender.block : FIELDS.fromEmail.block;
    if (!template || template.deletedAt) return ack(fieldError(first, 'This template no longer exists.'));
    const state = view.state.values as ViewState;
    const values: SendingValues = {};
    for (const field of FIELD_NAMES) {
      if (!state[FIELDS[field].block]) continue;
      // An emptied field is left as it is: the grammar takes no empty values.
      values[field] = readField(state, field) ?? '';
    }
    const callbackId = confirm ? VIEWS.templateSendingConfirm : VIEWS.templateSending;
    let command;
    try {
      const given = Object.fromEntries(Object.entries(values).filter(([, value]) => value));
      command = buildCommand('templates edit', { templateName: template.name, ...given, ...(confirm ? { confirm: true } : {}) });
    } catch (error) {
      if (error instanceof CommandSyntaxError) return ack({ response_action: 'errors', errors: formErrors(error, callbackId, first) });
      throw error;
    }
    const outcome = await runCommand(ctx, command, body.user.id, confirm ? { key: `view:${view.id}:template` } : {});
    if (!confirm && asksConfirmation(outcome.reply)) {
      const impact = outcome.reply.problem?.message ?? outcome.reply.text;
      return ack({ response_action: 'update', view: templateSendingView({ template, values, impact, metadata: meta }) });
    }
    if (!outcome.reply.ok && outcome.skipped !== 'forbidden') return ack(replyError(callbackId, outcome.reply, first));
    await ack();
    await postResult(client, body.user.id, originFrom(meta), outcome.reply, { updateCard: false });
  };
}
