import type { CampaignDeps } from '../domain/campaign/campaign-deps.js';
import type { DeliveryDeps } from '../domain/delivery/delivery-deps.js';

/** What the command layer works with: the campaign core, the delivery engine, and where captures land. */
export interface CommandContext {
  deps: CampaignDeps;
  delivery: DeliveryDeps;
  /** Local capture folders (embedded default); null when real providers are configured. */
  outbox: { mailDir: string; smsDir: string } | null;
  /** Starts sending at once after a launch or retry instead of at the next poll. */
  worker?: { wake(): void };
}
