import type { Reply } from '../../../commands/reply.js';
import { cut } from '../../blocks/mrkdwn.js';
import type { ModalMetadata } from '../../blocks/modals/modal-kit.js';
import type { Origin } from '../../open-modals.js';
import { fieldBlock } from '../../ids.js';

/** Slack shows a field error under the input; long command-layer text is cut to stay readable. */
export function fieldError(block: string, reply: Reply | string): { response_action: 'errors'; errors: Record<string, string> } {
  return { response_action: 'errors', errors: { [block]: cut(typeof reply === 'string' ? reply : reply.text, 300) } };
}

export function originFrom(meta: ModalMetadata): Origin {
  return { ...(meta.channelId ? { channelId: meta.channelId } : {}), ...(meta.messageTs ? { messageTs: meta.messageTs } : {}) };
}

/**
 * A refusal from the command layer, under the block of the field it names (through ids.ts's one
 * table for this modal), or under `fallback` when it names none the modal shows.
 */
export function replyError(callbackId: string, reply: Reply, fallback: string): { response_action: 'errors'; errors: Record<string, string> } {
  return fieldError(fieldBlock(callbackId, reply.field, fallback), reply);
}
