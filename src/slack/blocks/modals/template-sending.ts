import type { Template } from '../../../domain/templates/template.js';
import { VIEWS } from '../../ids.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { section } from '../reply-blocks.js';
import { modal, textInput, type ModalMetadata, type ModalView } from './modal-kit.js';

export interface SendingValues {
  fromName?: string;
  fromEmail?: string;
  replyTo?: string;
  smsSender?: string;
}

/**
 * Sending details live on the template, so a change reaches every future campaign using it. The
 * first submit asks the command layer which campaigns that is (nothing saved); the view is then
 * replaced by a confirmation carrying the same values, whose submit saves with --confirm.
 */
export function templateSendingView(input: { template: Template; values?: SendingValues; impact?: string; metadata: ModalMetadata }): ModalView {
  const t = input.template;
  const v = input.values ?? {
    fromName: t.sending.fromName ?? undefined,
    fromEmail: t.sending.fromEmail ?? undefined,
    replyTo: t.sending.replyTo ?? undefined,
    smsSender: t.sending.smsSender ?? undefined,
  };
  const fields =
    t.channel === 'email'
      ? [textInput('fromName', 'From name', { initial: v.fromName }), textInput('fromEmail', 'From address', { initial: v.fromEmail }), textInput('replyTo', 'Reply-to', { initial: v.replyTo })]
      : [textInput('smsSender', 'SMS sender', { initial: v.smsSender, hint: 'A phone number in E.164 or a messaging service id.' })];
  return modal({
    callbackId: input.impact ? VIEWS.templateSendingConfirm : VIEWS.templateSending,
    title: input.impact ? 'Confirm sending details' : 'Sending details',
    submit: input.impact ? 'Save for all' : 'Check impact',
    metadata: { ...input.metadata, templateId: t.id },
    blocks: [
      section(`Template *${escapeMrkdwn(t.name)}* (${t.channel}). Sending details apply to every future campaign that uses it.`),
      ...(input.impact ? [section(`:warning: ${escapeMrkdwn(input.impact)}`)] : []),
      ...fields,
    ],
  });
}
