import { TokenBucket } from 'limiter';
import type { Channel } from '../../domain/campaign/campaign.js';
import type { Pacer } from '../../domain/ports/pacer.js';

/**
 * Per-channel token buckets (the `limiter` package). A bucket holds at most a twentieth of a second's
 * worth (at least one token) and starts empty, so no second ever carries more than the configured
 * rate plus that sliver, even after an idle spell (a bucket of a whole second let 1.5x through).
 * SMS weigh their segments.
 */
export class TokenBucketPacer implements Pacer {
  private readonly buckets = new Map<Channel, { bucket: TokenBucket; size: number }>();

  constructor(rates: Partial<Record<Channel, number>>) {
    for (const [channel, rate] of Object.entries(rates) as [Channel, number][]) {
      const size = Math.max(1, Math.floor(rate / 20));
      this.buckets.set(channel, { bucket: new TokenBucket({ bucketSize: size, tokensPerInterval: rate, interval: 'second' }), size });
    }
  }

  async acquire(channel: Channel, weight: number): Promise<void> {
    const entry = this.buckets.get(channel);
    if (!entry) return;
    // A weight larger than the bucket (a 3-segment SMS at 1 segment/s) is taken in bucket-sized steps.
    for (let left = Math.max(1, weight); left > 0; left -= entry.size) {
      await entry.bucket.removeTokens(Math.min(left, entry.size));
    }
  }
}
