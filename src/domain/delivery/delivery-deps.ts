import type { Channel } from '../campaign/campaign.js';
import type { CampaignDeps } from '../campaign/campaign-deps.js';
import type { ChannelProvider } from '../ports/channel-provider.js';
import type { DeliveryMetrics } from '../ports/delivery-metrics.js';
import type { DeliveryStore } from '../ports/delivery-store.js';
import type { EventLog } from '../ports/event-log.js';
import type { Pacer } from '../ports/pacer.js';
import type { SuppressionStore } from '../ports/suppression-store.js';
import type { LedgerJournal } from './ledger-journal.js';
import type { ProviderSlots } from './provider-slots.js';
import type { SendWindow } from './quiet-hours.js';
import type { MessageTracking } from '../tracking/track-message.js';
import type { SmsPricing } from '../metrics/sms-pricing.js';

export interface DeliveryConfig {
  batchSize: number;
  /** Provider calls in flight per channel (fewer when the provider holds fewer: `maxInFlight`). */
  concurrency: number;
  leaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  errorBudget: { percent: number; minAttempts: number };
  /** Messages per second (email) or segments per second (SMS) per provider account. */
  rates: Record<Channel, number>;
  smsSendWindow: SendWindow;
  smsReceiptTimeoutMs: number;
  /** SMS cost where the provider gives none (SMS_PRICE_PER_SEGMENT); null: unpriced. */
  smsPricing?: SmsPricing | null;
}

/** Everything the delivery engine needs; built once in wiring.ts, faked in unit tests. */
export interface DeliveryDeps {
  campaign: CampaignDeps;
  delivery: DeliveryStore;
  suppressions: SuppressionStore;
  providers: Partial<Record<Channel, ChannelProvider>>;
  pacer: Pacer;
  /** The engine's ordered writes of hand-overs and outcomes (one per process). */
  journal: LedgerJournal;
  /** Provider calls in flight per channel, across every batch of the process. */
  slots: ProviderSlots;
  random: () => number;
  links: {
    /** Signed one-click unsubscribe URL, or null when no public URL is known. */
    unsubscribeUrl(messageId: string): string | null;
    smsStatusCallbackUrl: string | null;
    /** Open pixel and click links (null when no public URL is known: nothing to point them at). */
    tracking: MessageTracking | null;
  };
  config: DeliveryConfig;
  log: EventLog;
  metrics: DeliveryMetrics;
}

export const SYSTEM_ACTOR = 'system:delivery';
export const SCHEDULER_ACTOR = 'system:scheduler';
