import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;

/** Where a posted message lives: enough to edit it in place or to reply in its thread. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/** A message Herald posts by itself: Block Kit blocks within Slack's limits, and the plain-text fallback. */
export interface ChannelMessage {
  text: string;
  blocks: KnownBlock[];
}

/**
 * How Herald's channel features (activity threads, alerts, approvals, the digest) post to Slack:
 * one queue per channel, paced to Slack's limits (`chat.postMessage` ~1 per second per channel,
 * `chat.update` tier 3), so a burst in one channel or a 429 (honouring Retry-After) never stalls
 * the others nor the request path. Updates to the same message coalesce: only the latest content is
 * sent. Failures are logged and reported through the returned promise, never thrown at the emitter.
 */
export interface ChannelPoster {
  /** Posts a new message (a reply in `threadTs`'s thread when given). Resolves with where it is, or null when Slack refused it. */
  post(channel: string, message: ChannelMessage, options?: { threadTs?: string }): Promise<PostedMessage | null>;
  /**
   * Replaces a posted message's content. Resolves true when Slack took it, false when the message is
   * gone (`message_not_found`, `channel_not_found`: the caller recreates it) or Slack refused it.
   */
  update(message: PostedMessage, content: ChannelMessage): Promise<boolean>;
  /** Resolves once everything queued so far was sent or given up (shutdown, tests). */
  drain(): Promise<void>;
}
