import type { types } from '@slack/bolt';
import { cut } from '../blocks/mrkdwn.js';

/** Block Kit's image block limits: alt text and title 2,000 characters each. */
export const IMAGE_LIMITS = { altText: 2000, title: 2000 } as const;
/** Slack's file ids as image blocks accept them (Slack refuses anything else with invalid_blocks). */
const FILE_ID = /^F[A-Z0-9]{8,}$/;

/**
 * An image block showing an uploaded chart by its Slack file id (`slack_file: { id }`), with the
 * chart's sentence as alt text for screen readers and its title as caption. Plain text only: an
 * image block's alt text and title take no markup.
 */
export function chartImageBlock(input: { fileId: string; title: string; altText: string; blockId?: string }): types.ImageBlock {
  if (!FILE_ID.test(input.fileId)) throw new Error(`"${input.fileId.slice(0, 40)}" is not a Slack file id (F…)`);
  return {
    type: 'image',
    slack_file: { id: input.fileId },
    alt_text: cut(input.altText.trim() || input.title, IMAGE_LIMITS.altText),
    title: { type: 'plain_text', text: cut(input.title, IMAGE_LIMITS.title), emoji: false },
    ...(input.blockId ? { block_id: input.blockId.slice(0, 255) } : {}),
  };
}
