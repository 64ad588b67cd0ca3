import { campaignRef } from '../../../domain/campaign/campaign.js';
import { VIEWS } from '../../ids.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { section } from '../reply-blocks.js';
import { modal, type ModalMetadata, type ModalView } from './modal-kit.js';

/**
 * Retry failed messages: shows what the command layer answered to `retry C-1 --all` (how many would
 * be retried, or why not). The Retry button appears only when that answer asks for confirmation.
 */
export function retryConfirmView(input: { campaignId: number; text: string; notes: string[]; confirmable: boolean; metadata: ModalMetadata }): ModalView {
  return modal({
    callbackId: VIEWS.retryConfirm,
    title: `Retry ${campaignRef(input.campaignId)}`,
    ...(input.confirmable ? { submit: 'Retry failed' } : {}),
    close: input.confirmable ? 'Not now' : 'Close',
    metadata: { ...input.metadata, campaignId: input.campaignId },
    blocks: [section(escapeMrkdwn(input.text)), ...input.notes.map((n) => section(`:warning: ${escapeMrkdwn(n)}`))],
  });
}
