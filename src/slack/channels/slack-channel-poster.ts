import type { webApi } from '@slack/bolt';
import type { SlackLogger } from '../slack-context.js';
import type { ChannelMessage, ChannelPoster, PostedMessage } from './channel-poster.js';

/** How the poster tells time and waits: the wall clock in production, a hand-moved one in tests. */
export interface PosterTimer {
  /** Milliseconds on a monotonic-enough scale (only differences are used). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: PosterTimer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface SlackChannelPosterOptions {
  /**
   * The Web API client; it must be built with `rejectRateLimitedCalls: true` (Bolt's client in
   * slack-app.ts is), so a 429 comes back here for its channel alone instead of pausing the
   * client's whole queue for everyone.
   */
  client: webApi.WebClient;
  token: string;
  logger: Pick<SlackLogger, 'warn' | 'info'>;
  timer?: PosterTimer;
  /** Least time between two calls in one channel (Slack: about one message per second per channel). */
  channelIntervalMs?: number;
  /** `chat.update` is tier 3 (about 50 a minute): at most this many updates in any `updateWindowMs`, all channels together. */
  updatesPerWindow?: number;
  updateWindowMs?: number;
  /** A call answered 429 this many times is given up (logged). */
  maxRateLimitedTries?: number;
}

/** Slack's answers that mean the message (or its channel, or its thread) is gone: the caller recreates it. */
const GONE = new Set(['message_not_found', 'channel_not_found', 'thread_not_found', 'is_archived', 'not_in_channel']);

interface PostOp {
  kind: 'post';
  message: ChannelMessage;
  threadTs: string | undefined;
  tries: number;
  done: (posted: PostedMessage | null) => void;
}

interface UpdateOp {
  kind: 'update';
  ts: string;
  content: ChannelMessage;
  tries: number;
  /** Every caller whose update was folded into this one learns the outcome of the one call sent. */
  done: ((ok: boolean) => void)[];
}

type Op = PostOp | UpdateOp;

interface ChannelQueue {
  channel: string;
  ops: Op[];
  /** Updates not yet sent, by message ts: a newer update replaces their content (coalescing). */
  pendingUpdates: Map<string, UpdateOp>;
  /** No call in this channel before this time (pacing, or a 429's Retry-After). */
  notBefore: number;
  loop: Promise<void> | null;
}

/**
 * The ChannelPoster on Bolt's WebClient: one queue per channel, worked by its own loop, so a
 * channel waiting out a 429 or a burst never holds up another channel nor the request path.
 * Within a channel, calls keep their order and are spaced `channelIntervalMs` apart; `chat.update`
 * calls also share one tier-3 window across channels. An update to a message whose previous update
 * is still waiting replaces that update's content: only the latest content is sent.
 */
export class SlackChannelPoster implements ChannelPoster {
  private readonly queues = new Map<string, ChannelQueue>();
  /** Times of the `chat.update` calls within the last window (all channels). */
  private readonly updateTimes: number[] = [];
  private readonly timer: PosterTimer;
  private readonly channelIntervalMs: number;
  private readonly updatesPerWindow: number;
  private readonly updateWindowMs: number;
  private readonly maxTries: number;

  constructor(private readonly options: SlackChannelPosterOptions) {
    this.timer = options.timer ?? realTimer;
    this.channelIntervalMs = options.channelIntervalMs ?? 1000;
    this.updatesPerWindow = options.updatesPerWindow ?? 50;
    this.updateWindowMs = options.updateWindowMs ?? 60_000;
    this.maxTries = options.maxRateLimitedTries ?? 5;
  }

  post(channel: string, message: ChannelMessage, options: { threadTs?: string } = {}): Promise<PostedMessage | null> {
    return new Promise((resolve) => {
      const queue = this.queue(channel);
      queue.ops.push({ kind: 'post', message, threadTs: options.threadTs, tries: 0, done: resolve });
      this.kick(queue);
    });
  }

  update(message: PostedMessage, content: ChannelMessage): Promise<boolean> {
    return new Promise((resolve) => {
      const queue = this.queue(message.channel);
      const waiting = queue.pendingUpdates.get(message.ts);
      if (waiting) {
        waiting.content = content;
        waiting.done.push(resolve);
        return;
      }
      const op: UpdateOp = { kind: 'update', ts: message.ts, content, tries: 0, done: [resolve] };
      queue.pendingUpdates.set(message.ts, op);
      queue.ops.push(op);
      this.kick(queue);
    });
  }

  async drain(): Promise<void> {
    for (;;) {
      const loops = [...this.queues.values()].flatMap((q) => (q.loop ? [q.loop] : []));
      if (loops.length === 0) return;
      await Promise.all(loops);
    }
  }

  private queue(channel: string): ChannelQueue {
    let queue = this.queues.get(channel);
    if (!queue) {
      queue = { channel, ops: [], pendingUpdates: new Map(), notBefore: 0, loop: null };
      this.queues.set(channel, queue);
    }
    return queue;
  }

  private kick(queue: ChannelQueue): void {
    if (queue.loop) return;
    queue.loop = this.work(queue).finally(() => {
      queue.loop = null;
      // Something queued while the loop was finishing its last call.
      if (queue.ops.length > 0) this.kick(queue);
    });
  }

  private async work(queue: ChannelQueue): Promise<void> {
    while (queue.ops.length > 0) {
      const head = queue.ops[0]!;
      const now = this.timer.now();
      const readyAt = Math.max(queue.notBefore, head.kind === 'update' ? this.updateSlotAt(now) : 0);
      if (readyAt > now) {
        // Updates arriving meanwhile fold into the waiting one; the head is looked at again after.
        await this.timer.sleep(readyAt - now);
        continue;
      }
      queue.ops.shift();
      if (head.kind === 'update') {
        queue.pendingUpdates.delete(head.ts);
        this.updateTimes.push(now);
      }
      const outcome = await this.call(queue.channel, head);
      const after = this.timer.now();
      if (outcome.kind === 'rate_limited') {
        queue.notBefore = after + outcome.retryAfterMs;
        head.tries += 1;
        if (head.tries < this.maxTries) {
          this.requeue(queue, head);
          continue;
        }
        this.options.logger.warn('slack: gave up a call after repeated rate limiting', { channel: queue.channel, method: methodOf(head), tries: head.tries });
        settle(head, null);
        continue;
      }
      queue.notBefore = after + this.channelIntervalMs;
      settle(head, outcome.kind === 'ok' ? outcome.posted : null);
    }
  }

  /** Puts a rate-limited call back at the head of its queue; an update newer than it takes its place in it. */
  private requeue(queue: ChannelQueue, op: Op): void {
    if (op.kind === 'update') {
      const newer = queue.pendingUpdates.get(op.ts);
      if (newer) {
        // A later update of the same message is queued: it carries the latest content; ours waits for it.
        newer.done.unshift(...op.done);
        queue.ops.splice(queue.ops.indexOf(newer), 1);
        queue.ops.unshift(newer);
        return;
      }
      queue.pendingUpdates.set(op.ts, op);
    }
    queue.ops.unshift(op);
  }

  /** When the next `chat.update` fits in the tier-3 window. */
  private updateSlotAt(now: number): number {
    while (this.updateTimes.length > 0 && this.updateTimes[0]! <= now - this.updateWindowMs) this.updateTimes.shift();
    if (this.updateTimes.length < this.updatesPerWindow) return 0;
    return this.updateTimes[0]! + this.updateWindowMs;
  }

  private async call(channel: string, op: Op): Promise<{ kind: 'ok'; posted: PostedMessage } | { kind: 'failed' } | { kind: 'rate_limited'; retryAfterMs: number }> {
    const { client, token } = this.options;
    try {
      if (op.kind === 'post') {
        const answer = await client.chat.postMessage({
          token,
          channel,
          text: op.message.text,
          blocks: op.message.blocks,
          ...(op.threadTs ? { thread_ts: op.threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        });
        return { kind: 'ok', posted: { channel: answer.channel ?? channel, ts: String(answer.ts) } };
      }
      await client.chat.update({ token, channel, ts: op.ts, text: op.content.text, blocks: op.content.blocks });
      return { kind: 'ok', posted: { channel, ts: op.ts } };
    } catch (error) {
      const e = error as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
      if (e.code === 'slack_webapi_rate_limited_error') return { kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
      const slackError = e.data?.error;
      const context = { channel, method: methodOf(op), ...(op.kind === 'update' ? { ts: op.ts } : op.threadTs ? { threadTs: op.threadTs } : {}), error: slackError ?? e.message ?? String(error) };
      if (slackError && GONE.has(slackError)) this.options.logger.info('slack: the message or channel is gone', context);
      else this.options.logger.warn('slack: a channel post failed', context);
      return { kind: 'failed' };
    }
  }
}

function methodOf(op: Op): string {
  return op.kind === 'post' ? 'chat.postMessage' : 'chat.update';
}

function settle(op: Op, posted: PostedMessage | null): void {
  if (op.kind === 'post') op.done(posted);
  else for (const done of op.done) done(posted !== null);
}
