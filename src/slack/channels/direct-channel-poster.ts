import type { webApi } from '@slack/bolt';
import type { SlackLogger } from '../slack-context.js';
import type { ChannelMessage, ChannelPoster, PostedMessage } from './channel-poster.js';

/** Slack's answers that mean the message (or its channel) is gone: the caller posts it again. */
const GONE = new Set(['message_not_found', 'channel_not_found', 'thread_not_found', 'is_archived']);

/**
 * The plainest ChannelPoster: each call is one `chat.postMessage` / `chat.update` through the
 * WebClient, no pacing and no coalescing. It keeps the contract's promises that matter to callers
 * (failures logged and answered as null/false, never thrown; `drain` waits for what was asked) and
 * stands in until the paced poster (slack-channel-poster.ts) is wired.
 */
export class DirectChannelPoster implements ChannelPoster {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly logger: SlackLogger,
    /** The bot token, when the client was built without one (Bolt's own client is). */
    private readonly token?: string,
  ) {}

  post(channel: string, message: ChannelMessage, options: { threadTs?: string } = {}): Promise<PostedMessage | null> {
    return this.track(
      this.client.chat
        .postMessage({ ...this.auth(), channel, text: message.text, blocks: message.blocks, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) })
        .then((r) => (r.ok && r.ts ? { channel: r.channel ?? channel, ts: r.ts } : null))
        .catch((error: unknown) => {
          this.logger.warn('slack post failed', { channel, error: slackError(error) });
          return null;
        }),
    );
  }

  update(message: PostedMessage, content: ChannelMessage): Promise<boolean> {
    return this.track(
      this.client.chat
        .update({ ...this.auth(), channel: message.channel, ts: message.ts, text: content.text, blocks: content.blocks })
        .then((r) => r.ok === true)
        .catch((error: unknown) => {
          const code = slackError(error);
          if (!GONE.has(code)) this.logger.warn('slack update failed', { channel: message.channel, ts: message.ts, error: code });
          return false;
        }),
    );
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private auth(): { token?: string } {
    return this.token ? { token: this.token } : {};
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    return work;
  }
}

function slackError(error: unknown): string {
  const data = (error as { data?: { error?: string } }).data;
  return data?.error ?? (error instanceof Error ? error.message : String(error));
}
