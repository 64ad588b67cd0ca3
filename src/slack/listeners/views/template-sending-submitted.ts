import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { postResult } from '../../answer.js';
import { decodeMetadata, readField, type ViewState } from '../../blocks/modals/modal-kit.js';
import { templateSendingView, type SendingValues } from '../../blocks/modals/template-sending.js';
import { FIELDS } from '../../ids.js';
import { asksConfirmation } from '../../open-modals.js';
import { quote, runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError, originFrom } from './view-helpers.js';

const FLAGS: [keyof SendingValues, 'fromName' | 'fromEmail' | 'replyTo' | 'smsSender', string][] = [
  ['fromName', 'fromName', '--from-name'],
  ['fromEmail', 'fromEmail', '--from-email'],
  ['replyTo', 'replyTo', '--reply-to'],
  ['smsSender', 'smsSender', '--sms-sender'],
];

/**
 * Template sending details, in two steps: the first submit runs `templates edit NAME …` without
 * --confirm, which saves nothing and lists the future campaigns it would change; the modal is then
 * updated to that confirmation, and its submit runs the same line with --confirm.
 */
export function templateSendingSubmitted(ctx: SlackContext, confirm: boolean): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const meta = decodeMetadata(view.private_metadata);
    const template = meta.templateId !== undefined ? await ctx.deps.templates.get(meta.templateId) : null;
    if (!template || template.deletedAt) return ack(fieldError(template?.channel === 'sms' ? FIELDS.smsSender.block : FIELDS.fromEmail.block, 'This template no longer exists.'));
    const state = view.state.values as ViewState;
    const values: SendingValues = {};
    const flags: string[] = [];
    for (const [key, field, flag] of FLAGS) {
      if (!state[FIELDS[field].block]) continue;
      const value = readField(state, field) ?? '';
      values[key] = value;
      // An emptied field is left as it is: the grammar takes no empty values.
      if (!value) continue;
      flags.push(`${flag} ${quote(value)}`);
    }
    const line = `templates edit ${quote(template.name)} ${flags.join(' ')}${confirm ? ' --confirm' : ''}`;
    const outcome = await runCommand(ctx, line, body.user.id, confirm ? { key: `view:${view.id}:template` } : {});
    if (!confirm && asksConfirmation(outcome.reply)) {
      const impact = outcome.reply.text.replace(/^Confirmation needed: /, '').replace(/ Run the same command again with --confirm to save it\.$/, '');
      return ack({ response_action: 'update', view: templateSendingView({ template, values, impact, metadata: meta }) });
    }
    if (!outcome.reply.ok && outcome.skipped !== 'forbidden') {
      const field = /reply-to/i.test(outcome.reply.text) ? 'replyTo' : /sms/i.test(outcome.reply.text) ? 'smsSender' : /from-name/i.test(outcome.reply.text) ? 'fromName' : template.channel === 'sms' ? 'smsSender' : 'fromEmail';
      return ack(fieldError(FIELDS[field].block, outcome.reply));
    }
    await ack();
    await postResult(client, body.user.id, originFrom(meta), outcome.reply, { updateCard: false });
  };
}
