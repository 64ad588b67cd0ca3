import type { Channel } from '../campaign/campaign.js';
import type { MessageOutcome } from './delivery-store.js';
import type { SendResult } from './channel-provider.js';

/**
 * What the delivery engine measures, for an adapter to export (Prometheus). Timings are taken by the
 * adapter: the engine only says when something starts (the returned function says it ended), so it
 * needs no clock of its own.
 */
export interface DeliveryMetrics {
  /** A claim of one batch starts; call the result with how many messages it claimed. */
  startClaim(channel: Channel): (claimed: number) => void;
  /** A provider call starts; call the result with the provider's answer. */
  startProviderCall(channel: Channel): (result: SendResult) => void;
  /** An attempt's outcome, as queued for the ledger. */
  outcome(channel: Channel, outcome: MessageOutcome): void;
  /** A scheduler tick starts; call the result when it ends. */
  startTick(): () => void;
}

const done = (): void => {};

/** Measures nothing (unit tests, tools). */
export const NO_DELIVERY_METRICS: DeliveryMetrics = {
  startClaim: () => done,
  startProviderCall: () => done,
  outcome: done,
  startTick: () => done,
};
