import type { Channel } from '../campaign/campaign.js';

/**
 * How many messages each channel's provider may hold at once, for the whole process (every batch and
 * run shares them). A message takes a slot before its hand-over is recorded and gives it back once its
 * outcome is queued for the ledger, so a crash leaves at most this many messages in doubt.
 */
export class ProviderSlots {
  private readonly free = new Map<Channel, number>();
  private readonly waiting = new Map<Channel, (() => void)[]>();

  constructor(private readonly slotsOf: (channel: Channel) => number) {}

  /** How many messages of `channel` may be with its provider at once. */
  capacity(channel: Channel): number {
    return Math.max(1, this.slotsOf(channel));
  }

  /** Resolves with a release function once a slot of `channel` is free. */
  async acquire(channel: Channel): Promise<() => void> {
    const free = this.free.get(channel) ?? this.capacity(channel);
    if (free > 0) {
      this.free.set(channel, free - 1);
    } else {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(channel) ?? [];
        queue.push(resolve);
        this.waiting.set(channel, queue);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // A waiter takes the slot over directly, so a newcomer cannot jump the queue.
      const next = this.waiting.get(channel)?.shift();
      if (next) next();
      else this.free.set(channel, (this.free.get(channel) ?? 0) + 1);
    };
  }
}
