import type { Channel } from '../campaign/campaign.js';

/** Paces sends per provider account: resolves when `weight` units (messages, or SMS segments) may go. */
export interface Pacer {
  acquire(channel: Channel, weight: number): Promise<void>;
}
