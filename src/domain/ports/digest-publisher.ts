import type { Digest } from '../reports/digest.js';

/** Where a posted digest is: its first message, and how many thread replies carry the rest. */
export interface PublishedDigest {
  channel: string;
  ts: string;
  replies: number;
}

/** Posts a digest to the managers' channel (Slack: SLACK_DIGEST_CHANNEL), charts included; `channel` is null when none is configured. */
export interface DigestPublisher {
  readonly channel: string | null;
  /** Throws an AppError when the channel is not configured or the post was refused. */
  publish(digest: Digest): Promise<PublishedDigest>;
}
