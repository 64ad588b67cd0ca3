import { campaignRef } from '../../../domain/campaign/campaign.js';
import { VIEWS } from '../../ids.js';
import { section } from '../reply-blocks.js';
import { modal, textInput, type ModalMetadata, type ModalView } from './modal-kit.js';

/** One test message to one address, outside the campaign's audience and metrics. */
export function testSendView(input: { campaignId: number; metadata: ModalMetadata }): ModalView {
  return modal({
    callbackId: VIEWS.testSend,
    title: `Test ${campaignRef(input.campaignId)}`,
    submit: 'Send test',
    metadata: { ...input.metadata, campaignId: input.campaignId },
    blocks: [
      section('Sends one message to the address below, rendered as a recipient would get it. The campaign, its audience and metrics are not touched.'),
      textInput('to', 'Send to (email or +E.164 phone)', { optional: false, placeholder: 'you@example.com' }),
    ],
  });
}
