import type { CampaignDeps } from '../domain/campaign/campaign-deps.js';
import type { DeliveryDeps } from '../domain/delivery/delivery-deps.js';
import type { CapturedOutbox } from '../domain/ports/captured-outbox.js';
import type { LocalFiles } from '../domain/ports/local-files.js';
import type { MessageExport } from '../domain/ports/message-export.js';
import type { ClickMap } from '../domain/ports/click-map.js';
import type { MetricsDeps } from '../domain/metrics/campaign-metrics.js';
import type { DigestPublisher } from '../domain/ports/digest-publisher.js';
import type { PeriodActivityStore } from '../domain/ports/period-activity.js';

/**
 * What the command layer works with, given by the composition root (wiring.ts): the campaign core,
 * the delivery engine, and the local captures. Only domain types and ports: no adapter.
 */
export interface CommandContext {
  deps: CampaignDeps;
  delivery: DeliveryDeps;
  /** Mail and SMS captured locally (the embedded default); null when real providers are configured. */
  outbox: CapturedOutbox | null;
  /** Files on Herald's own disk that admin commands name (`contacts import PATH`, `--html-file`). */
  files: LocalFiles;
  /** What `stats` (and the coming reports) read: per-run counts and aggregated hits; absent in unit fakes. */
  metricsDeps?: MetricsDeps;
  /** `export`: a campaign's messages as CSV files in the exports folder; absent in unit fakes. */
  messageExport?: MessageExport;
  /** `links`: the click map and link edits; absent in unit fakes. */
  clickMap?: ClickMap;
  /** `digest`: a period's sends and hits by campaign and hour; absent in unit fakes. */
  periodActivity?: PeriodActivityStore;
  /** `digest --post`: the managers' channel (SLACK_DIGEST_CHANNEL), given by the Slack edge; absent without Slack. */
  digestPublisher?: DigestPublisher;
  /** Starts sending at once after a launch or retry instead of at the next poll. */
  worker?: { wake(): void };
}
