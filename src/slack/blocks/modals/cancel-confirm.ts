import { campaignRef } from '../../../domain/campaign/campaign.js';
import { VIEWS } from '../../ids.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { section } from '../reply-blocks.js';
import { modal, textInput, type ModalMetadata, type ModalView } from './modal-kit.js';

/**
 * Cancel is terminal, so the person types the id back (seed 002). `prompt` and `warnings` come
 * from the command layer's answer to `cancel C-1` without --confirm (late/sending warnings included).
 */
export function cancelConfirmView(input: { campaignId: number; prompt: string; warnings: string[]; metadata: ModalMetadata }): ModalView {
  const ref = campaignRef(input.campaignId);
  return modal({
    callbackId: VIEWS.cancelConfirm,
    title: `Cancel ${ref}?`,
    submit: 'Cancel campaign',
    close: 'Keep it',
    metadata: { ...input.metadata, campaignId: input.campaignId },
    blocks: [
      section(escapeMrkdwn(input.prompt)),
      ...input.warnings.map((w) => section(`:warning: ${escapeMrkdwn(w)}`)),
      textInput('confirmId', `Type ${ref} to confirm`, { optional: false, placeholder: ref }),
      textInput('reason', 'Reason (optional, kept in the activity log)', { multiline: true }),
    ],
  });
}
