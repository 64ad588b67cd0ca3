import { campaignRef } from '../../../domain/campaign/campaign.js';
import { VIEWS } from '../../ids.js';
import { context, section } from '../reply-blocks.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { modal, textInput, type KnownBlock, type ModalMetadata, type ModalView } from './modal-kit.js';

/** The longest destination the URL input is prefilled with (a plain-text input holds 3,000 characters). */
export const URL_INPUT_MAX = 3000;

/** What the URL input is opened with for a destination: the destination, or nothing when it does not fit. */
export function urlShown(url: string): string {
  return url.length <= URL_INPUT_MAX ? url : '';
}

/**
 * A tracked link's destination changed from Slack: the current destination (and the one rendered
 * into the messages, when it was edited before) and one URL input, prefilled with it; the submit
 * runs `/campaign links <id> edit <link> --url`. The input's initial value is what the submit
 * compares with the link as it is then, to refuse an edit made on a destination changed meanwhile.
 */
export function linkEditView(input: { campaignId: number; campaignName: string; link: { id: number; url: string; originalUrl: string }; metadata: ModalMetadata }): ModalView {
  const { link } = input;
  const ref = campaignRef(input.campaignId);
  const blocks: KnownBlock[] = [
    section(`*L-${link.id}* of *${ref}* ${escapeMrkdwn(input.campaignName)} goes to:\n${escapeMrkdwn(link.url)}`),
    ...(link.url !== link.originalUrl ? [context(`Rendered into the messages as ${escapeMrkdwn(link.originalUrl)}; edited since.`)] : []),
    textInput('url', 'New destination', {
      initial: urlShown(link.url),
      optional: false,
      placeholder: 'https://example.com/spring',
      hint: 'An http or https URL. It takes effect at once for every recipient, messages already sent included, and is recorded in the activity log.',
    }),
  ];
  return modal({ callbackId: VIEWS.linkEdit, title: `Edit link L-${link.id}`, submit: 'Save', close: 'Cancel', blocks, metadata: input.metadata });
}
