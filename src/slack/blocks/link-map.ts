import type { types } from '@slack/bolt';
import type { Reply, ReplyLinkMap } from '../../commands/reply.js';
import { campaignRef } from '../../domain/campaign/campaign.js';
import { LINK_ACTIONS } from '../ids.js';
import { cut, LIMITS } from './mrkdwn.js';
import { context, replyToMessage, type KnownBlock, type SlackMessage } from './reply-blocks.js';

/** Up to this many links get a button each; more get one select (a row of many buttons reads badly). */
export const LINK_BUTTONS_MAX = 5;

/** A link control's value: the campaign and the link, ids only (the modal re-reads both). */
export function linkControlValue(campaignId: number, linkId: number): string {
  return `${campaignId}:${linkId}`;
}

export function parseLinkControlValue(value: string | undefined): { campaignId: number; linkId: number } | null {
  const m = /^(\d{1,9}):(\d{1,12})$/.exec(value ?? '');
  if (!m) return null;
  const [campaignId, linkId] = [Number(m[1]), Number(m[2])];
  return campaignId > 0 && linkId > 0 ? { campaignId, linkId } : null;
}

/**
 * The Edit controls under a click map, for someone allowed to edit links: a button per link when
 * there are few, else one select of the links (Slack's 100 options at most; a line says how to
 * reach the others by typing).
 */
export function linkEditControls(map: ReplyLinkMap): KnownBlock[] {
  if (map.links.length === 0) return [];
  const blockId = `links_${map.campaignId}`;
  if (map.links.length <= LINK_BUTTONS_MAX) {
    const buttons: types.Button[] = map.links.map((l) => ({
      type: 'button',
      action_id: `${LINK_ACTIONS.buttonPrefix}${l.id}`,
      text: { type: 'plain_text', text: cut(`Edit L-${l.id}`, LIMITS.buttonText) },
      value: linkControlValue(map.campaignId, l.id),
    }));
    return [{ type: 'actions', block_id: blockId, elements: buttons }];
  }
  const offered = map.links.slice(0, LIMITS.selectOptions);
  const select: types.StaticSelect = {
    type: 'static_select',
    action_id: LINK_ACTIONS.pick,
    placeholder: { type: 'plain_text', text: 'Edit a link…' },
    options: offered.map((l) => ({ text: { type: 'plain_text', text: cut(`L-${l.id} ${l.url}`, LIMITS.optionText) }, value: linkControlValue(map.campaignId, l.id) })),
  };
  const rest = map.links.length - offered.length;
  return [
    { type: 'actions', block_id: blockId, elements: [select] },
    ...(rest > 0 ? [context(`${rest} more link${rest === 1 ? '' : 's'} not offered here (Slack lists ${LIMITS.selectOptions}): /campaign links ${campaignRef(map.campaignId)} edit L-<n> --url URL`)] : []),
  ];
}

/** A click map as a message, with its Edit controls after it, within Slack's 50 blocks. */
export function linkMapMessage(reply: Reply): SlackMessage {
  const controls = reply.linkMap ? linkEditControls(reply.linkMap) : [];
  const message = replyToMessage(reply, LIMITS.messageBlocks - controls.length);
  return { text: message.text, blocks: [...message.blocks, ...controls] };
}
