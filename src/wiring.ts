import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { configSecrets, urlPassword, type Config } from './config.js';
import { createChannelProviders } from './adapters/channels/channel-providers.js';
import { capturedOutbox } from './adapters/channels/capture/captured-outbox.js';
import { ensureDataFolder } from './adapters/data-folder.js';
import { HmacTokenSigner } from './adapters/crypto/hmac-token-signer.js';
import { signingSecret } from './adapters/db/app-settings.js';
import { openDatabase, type Database } from './adapters/db/database.js';
import { isProcessAlive } from './adapters/db/embedded/data-dir-lock.js';
import { queueDepth } from './adapters/db/queue-depth.js';
import { PrismaApprovalStore } from './adapters/db/approval-store.js';
import { PrismaCampaignStore } from './adapters/db/campaign-store.js';
import { createContactStore } from './adapters/db/contact-store.js';
import { PrismaDeliveryStore } from './adapters/db/delivery-store.js';
import { PrismaIdempotencyStore } from './adapters/db/idempotency-store.js';
import { PrismaJobClaims } from './adapters/db/job-lock-store.js';
import { PrismaPostedAlertStore } from './adapters/db/posted-alert-store.js';
import { PrismaReceiptStore } from './adapters/db/receipt-store.js';
import { PrismaChannelThreadStore } from './adapters/db/slack-thread-store.js';
import { PrismaSuppressionStore } from './adapters/db/suppression-store.js';
import { PrismaTemplateStore } from './adapters/db/template-store.js';
import { PrismaUnsubscribeStore } from './adapters/db/unsubscribe-store.js';
import { PrismaHitStore } from './adapters/db/hit-store.js';
import { PrismaLinkStore } from './adapters/db/link-store.js';
import { PrismaMetricsStore } from './adapters/db/metrics-store.js';
import { PgMessageExport } from './adapters/db/message-export.js';
import { PrismaClickMap } from './adapters/db/click-map.js';
import { PrismaPeriodActivityStore } from './adapters/db/period-activity-store.js';
import type { PeriodActivityStore } from './domain/ports/period-activity.js';
import type { MessageExport } from './domain/ports/message-export.js';
import type { ClickMap } from './domain/ports/click-map.js';
import { HitBuffer } from './domain/tracking/hit-buffer.js';
import { recordHits } from './domain/tracking/record-hits.js';
import { signClick, signOpen } from './domain/tracking/tracking-tokens.js';
import type { MetricsDeps } from './domain/metrics/campaign-metrics.js';
import type { ChartRenderer } from './domain/ports/chart-renderer.js';
import { QuickChartRenderer } from './adapters/charts/quickchart-renderer.js';
import { contactsCsvFormat } from './adapters/csv/contacts-csv-format.js';
import { localFiles } from './adapters/files/local-files.js';
import type { LocalFiles } from './domain/ports/local-files.js';
import { NodeCronSchedule } from './adapters/cron/node-cron-schedule.js';
import { TokenBucketPacer } from './adapters/pacing/token-bucket-pacer.js';
import { LiquidTemplateEngine } from './adapters/templating/liquid-template-engine.js';
import { createLogger, eventLog, type HeraldLogger } from './adapters/logging/logger.js';
import { createHeraldMetrics, type HeraldMetrics } from './adapters/metrics/herald-metrics.js';
import type { Channel } from './domain/campaign/campaign.js';
import { channelSpecs, EMAIL_CHANNEL, SMS_CHANNEL } from './domain/channels/channel-spec.js';
import type { CampaignDeps } from './domain/campaign/campaign-deps.js';
import type { DeliveryDeps } from './domain/delivery/delivery-deps.js';
import { NotificationBus } from './domain/notifications/notification-bus.js';
import { notifyingCampaignStore } from './domain/notifications/notifying-campaign-store.js';
import { OutboxNotifications, type RelayTimer } from './domain/notifications/notification-relay.js';
import { PgNotificationOutbox, statusChangeOutbox } from './adapters/db/notification-outbox-store.js';
import { LedgerJournal } from './domain/delivery/ledger-journal.js';
import { ProviderSlots } from './domain/delivery/provider-slots.js';
import type { CapturedOutbox } from './domain/ports/captured-outbox.js';
import type { ChannelProvider } from './domain/ports/channel-provider.js';
import type { Clock } from './domain/ports/clock.js';
import type { EventLog } from './domain/ports/event-log.js';
import type { Pacer } from './domain/ports/pacer.js';
import { DeliveryWorker } from './jobs/delivery-worker.js';
import type { HttpServerDeps } from './http/http-server.js';
import { UNSUBSCRIBE_PATH, UNSUBSCRIBE_PURPOSE } from './http/routes/unsubscribe.js';
import { TWILIO_STATUS_PATH } from './http/routes/twilio-status.js';
import { CLICK_PATH, OPEN_PATH } from './http/routes/tracking.js';

export interface App {
  config: Config;
  database: Database;
  deps: CampaignDeps;
  delivery: DeliveryDeps;
  worker: DeliveryWorker;
  /** Notifications as they happen: subscribe to print or post them. */
  notifications: NotificationBus;
  /** Every notification of the bus written to `notification_outbox`; a process with Slack relays them from there (any process's). */
  notificationOutbox: OutboxNotifications;
  signer: HmacTokenSigner;
  /** The one logger (stderr, JSON lines); the edges take children of it. */
  logger: HeraldLogger;
  /** Herald's Prometheus registry and what feeds it (`GET /metrics`). */
  metrics: HeraldMetrics;
  /** `GET /healthz`: each dependency's check, by name. */
  health: Record<string, () => Promise<void>>;
  stores: {
    receipts: PrismaReceiptStore;
    suppressions: PrismaSuppressionStore;
    unsubscribes: PrismaUnsubscribeStore;
    /** Slack retries and double clicks apply once. */
    idempotency: PrismaIdempotencyStore;
    /** Scheduled-job firings, claimed once across replicas (`job_lock`). */
    jobClaims: PrismaJobClaims;
    /** Where each alert in the alerts channel lives (`slack_alert`), to edit it in place. */
    alerts: PrismaPostedAlertStore;
    /** Where each campaign's Slack thread lives (`slack_thread`): the activity card, across restarts and replicas. */
    channelThreads: PrismaChannelThreadStore;
  };
  /** Names this process in message leases and job claims (host:pid:random). */
  owner: string;
  /** Mail and SMS captured rather than sent (the embedded default), for the command layer's `outbox`; null with real providers. */
  outbox: CapturedOutbox | null;
  /** Files on this server that admin commands name (`contacts import PATH`). */
  files: LocalFiles;
  /** Open and click hits: answered at once, written in batches (`close` writes what is held). */
  tracking: { buffer: HitBuffer; links: PrismaLinkStore };
  /** What the metrics use case reads (src/domain/metrics/campaign-metrics.ts). */
  metricsDeps: MetricsDeps;
  /** Draws the charts replies carry (QuickChart); until setChartServiceUrl it answers that no chart service is set. */
  charts: ChartRenderer;
  /** Where charts are drawn (chartServiceUrl in config.ts): Herald's own /chart needs the HTTP server listening first. */
  setChartServiceUrl(url: string): void;
  /** `export` (CSV files in `<dataDir>/exports`) and `links` (the click map and link edits). */
  messageExport: MessageExport;
  /** The daily digest's reads: a period's sends and hits by campaign and hour. */
  periodActivity: PeriodActivityStore;
  clickMap: ClickMap;
  /** The base of links in messages (unsubscribe, Twilio callbacks); set once the HTTP server listens. */
  setPublicBaseUrl(url: string): void;
  /** What the HTTP edge needs from this app (stores, signer, health checks, metrics), logging to `log`. */
  httpDeps(log?: HttpServerDeps['log']): HttpServerDeps;
  close(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

/** The outbox relay's look interval: Node's timers, never keeping a stopping process alive. */
const relayTimer: RelayTimer = {
  setInterval: (run, ms) => setInterval(run, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface AppOverrides {
  clock?: Clock;
  database?: Database;
  providers?: Partial<Record<Channel, ChannelProvider>>;
  pacer?: Pacer;
  random?: () => number;
  /** The process's logger (main.ts creates it first, so start-up errors use it too). */
  logger?: HeraldLogger;
  /** The domain's events; by default lines of `logger`. */
  log?: EventLog;
}

/** Builds every service and adapter once; tests pass overrides (a fixed clock, a test database, providers). */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  // The captures and the embedded database live there: a wrong folder is said before anything starts.
  if (!overrides.database || !overrides.providers) ensureDataFolder(config.dataDir);
  const channelSet = overrides.providers ? null : await createChannelProviders(config, clock);
  const providers = overrides.providers ?? channelSet!.providers;
  // The built-in channels always exist (a campaign may be prepared before its provider is set up);
  // providers add theirs.
  const channels = channelSpecs([EMAIL_CHANNEL, SMS_CHANNEL, ...Object.values(providers).flatMap((p) => (p ? [p.spec] : []))]);
  const database =
    overrides.database ??
    (await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize } : { dataDir: config.dataDir, poolSize: config.dbPoolSize }));
  const prisma = database.prisma;
  const log = overrides.log ?? eventLog(logger);
  // What Herald tells people by itself; the console and the Slack edge subscribe (issue 12).
  const notifications = new NotificationBus(log);
  // ...and every one is written to the outbox, where the Slack relay (of whichever process has Slack) reads it.
  const notificationOutbox = new OutboxNotifications({ outbox: new PgNotificationOutbox(database.pool), clock, log, timer: relayTimer });
  notifications.subscribe(notificationOutbox.write);
  const deps: CampaignDeps = {
    // A status change's notification is written by the campaign store in the change's own transaction.
    campaigns: notifyingCampaignStore(new PrismaCampaignStore(prisma, clock, statusChangeOutbox), notifications, clock),
    templates: new PrismaTemplateStore(prisma, clock),
    contacts: createContactStore(prisma, clock),
    contactsFiles: contactsCsvFormat,
    approvals: new PrismaApprovalStore(prisma),
    clock,
    cron: new NodeCronSchedule(),
    templateEngine: new LiquidTemplateEngine(),
    notifier: notifications,
    config: {
      accountTimeZone: config.accountTimeZone,
      prebuildLeadMs: config.prebuildLeadMs,
      lateActionWindowMs: config.lateActionWindowMs,
      approvalTtlMs: config.approvalTtlMs,
      overdueAfterMs: config.overdueAfterMs,
      defaultSmsSender: config.defaultSmsSender,
      contentPolicy: { blockedTerms: config.contentBlocklist },
      channels,
    },
  };
  const secret = await signingSecret(prisma, config.secret);
  // Secrets Herald made itself (the link-signing secret, the embedded server's password) are as
  // secret as configured ones.
  logger.addSecret(secret);
  const databasePassword = urlPassword(database.url);
  if (databasePassword) logger.addSecret(databasePassword);
  const signer = new HmacTokenSigner(secret);
  let publicBaseUrl = config.http.publicBaseUrl;
  const rates: Record<string, number> = Object.fromEntries([...channels.values()].map((c) => [c.name, c.defaultRatePerSecond]));
  rates.email = config.email.ratePerSecond;
  rates.sms = config.sms.segmentsPerSecond;
  const suppressions = new PrismaSuppressionStore(prisma, clock);
  const deliveryStore = new PrismaDeliveryStore(prisma, database.pool);
  const metrics = createHeraldMetrics({
    channels: Object.keys(providers),
    queueDepth: () => queueDepth(prisma),
    onQueueDepthError: (error) => logger.warn('metrics: the queue could not be counted', { error: error instanceof Error ? error.message : String(error) }),
  });
  const linkStore = new PrismaLinkStore(prisma);
  const hitStore = new PrismaHitStore(prisma, database.pool);
  const hitLog = logger.child({ component: 'tracking' });
  const recordDeps = { hits: hitStore, anonymizeIp: config.tracking.anonymizeIp, settings: { botWindowMs: config.tracking.botWindowMs, burstWindowMs: config.tracking.burstWindowMs } };
  const hitBuffer = new HitBuffer((batch) => recordHits(recordDeps, batch), {
    // The database's cost per hit falls a little up to ~2,000 a statement (tracking bench: 11-13 -> 10-11 µs), p99 unchanged.
    maxBatch: 2000,
    intervalMs: config.tracking.flushMs,
    maxPending: 200_000,
    onError: (error, pending) => hitLog.warn('tracking hits could not be written; kept for the next attempt', { pending, error: error instanceof Error ? error.message : String(error) }),
    onDropped: (count) => hitLog.error('tracking hits dropped: the database has not taken them for too long', { dropped: count }),
  });
  const tracking = {
    registerLinks: (campaignId: number, urls: readonly string[]) => linkStore.register(campaignId, urls),
    clickUrl: (token: Parameters<typeof signClick>[1]) => `${publicBaseUrl}${CLICK_PATH.replace(':token', signClick(signer, token))}`,
    openUrl: (messageId: string) => `${publicBaseUrl}${OPEN_PATH.replace(':token', signOpen(signer, messageId))}`,
    isOwn: (url: string) => publicBaseUrl !== null && url.startsWith(`${publicBaseUrl}/`),
  };
  const delivery: DeliveryDeps = {
    campaign: deps,
    delivery: deliveryStore,
    suppressions,
    providers,
    pacer: overrides.pacer ?? new TokenBucketPacer(rates),
    journal: new LedgerJournal(deliveryStore, clock),
    slots: new ProviderSlots((channel) => Math.min(config.delivery.concurrency, providers[channel]?.maxInFlight ?? config.delivery.concurrency)),
    random: overrides.random ?? Math.random,
    links: {
      unsubscribeUrl: (messageId) => (publicBaseUrl ? `${publicBaseUrl}${UNSUBSCRIBE_PATH.replace(':token', signer.sign(UNSUBSCRIBE_PURPOSE, messageId))}` : null),
      get smsStatusCallbackUrl() {
        return publicBaseUrl && config.sms.twilio ? `${publicBaseUrl}${TWILIO_STATUS_PATH}` : null;
      },
      get tracking() {
        return publicBaseUrl ? tracking : null;
      },
    },
    config: {
      batchSize: config.delivery.batchSize,
      concurrency: config.delivery.concurrency,
      leaseMs: config.delivery.leaseMs,
      maxAttempts: config.delivery.maxAttempts,
      retryBaseMs: config.delivery.retryBaseMs,
      errorBudget: config.delivery.errorBudget,
      rates,
      smsSendWindow: config.sms.sendWindow,
      smsReceiptTimeoutMs: config.sms.receiptTimeoutMs,
      smsPricing: config.smsPricing,
    },
    log,
    metrics: metrics.delivery,
  };
  let chartRenderer: ChartRenderer | null = null;
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const worker = new DeliveryWorker(delivery, { owner, idleMs: Math.min(config.delivery.tickMs, 1000), isAlive: isProcessAlive });
  const app: App = {
    config,
    database,
    deps,
    delivery,
    worker,
    notifications,
    notificationOutbox,
    signer,
    logger,
    metrics,
    health: {
      database: async () => void (await prisma.$queryRaw`SELECT 1`),
    },
    stores: {
      receipts: new PrismaReceiptStore(prisma),
      suppressions,
      unsubscribes: new PrismaUnsubscribeStore(prisma),
      idempotency: new PrismaIdempotencyStore(prisma),
      jobClaims: new PrismaJobClaims(prisma),
      alerts: new PrismaPostedAlertStore(prisma),
      channelThreads: new PrismaChannelThreadStore(prisma),
    },
    owner,
    outbox: channelSet?.outbox ? capturedOutbox(channelSet.outbox) : null,
    files: localFiles,
    tracking: { buffer: hitBuffer, links: linkStore },
    metricsDeps: { metrics: new PrismaMetricsStore(prisma), campaigns: deps.campaigns },
    charts: {
      render: (spec) => (chartRenderer ? chartRenderer.render(spec) : Promise.resolve({ ok: false, reason: 'no chart service is set up yet (Herald draws charts once its HTTP server listens)' })),
    },
    setChartServiceUrl(url) {
      chartRenderer = new QuickChartRenderer({ baseUrl: url });
    },
    messageExport: new PgMessageExport(database.pool, path.join(config.dataDir, 'exports')),
    clickMap: new PrismaClickMap(prisma),
    periodActivity: new PrismaPeriodActivityStore(prisma),
    setPublicBaseUrl(url) {
      publicBaseUrl = url.replace(/\/+$/, '');
    },
    httpDeps(log) {
      return {
        clock,
        receipts: app.stores.receipts,
        suppressions: app.stores.suppressions,
        unsubscribes: app.stores.unsubscribes,
        signer,
        health: app.health,
        metrics: () => metrics.scrape(),
        tracking: { links: linkStore, record: (hit) => hitBuffer.add(hit) },
        ...(log ? { log } : {}),
      };
    },
    async close() {
      await worker.stop();
      // The HTTP edge is closed by now (main.ts): every hit it took is written before the pool goes.
      await hitBuffer.close().catch((error: unknown) =>
        hitLog.error('tracking hits could not be written at shutdown', { pending: hitBuffer.size, error: error instanceof Error ? error.message : String(error) }),
      );
      // Listeners may still read the database for the last notifications.
      await notifications.settled();
      await channelSet?.close();
      if (!overrides.database) await database.close();
    },
  };
  return app;
}
