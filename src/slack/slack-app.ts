import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { App as BoltApp, HTTPReceiver, LogLevel, SocketModeReceiver, type Authorize } from '@slack/bolt';
import { createExecutor } from '../commands/execute.js';
import type { Config } from '../config.js';
import type { ChartRenderer } from '../domain/ports/chart-renderer.js';
import type { Clock } from '../domain/ports/clock.js';
import type { IdempotencyStore } from '../domain/ports/idempotency-store.js';
import type { CommandContext } from '../commands/command-context.js';
import type { ChannelThreadStore } from '../domain/ports/channel-thread-store.js';
import type { Notification } from '../domain/ports/notifier.js';
import { boltLevel, boltLogger } from './bolt-logger.js';
import { ActivityThreads } from './channels/activity-threads.js';
import { digestChannel } from './channels/digest-channel.js';
import type { DigestPublisher } from '../domain/ports/digest-publisher.js';
import type { ChannelPoster } from './channels/channel-poster.js';
import { SlackChannelPoster, type PosterTimer } from './channels/slack-channel-poster.js';
import { registerListeners } from './register-listeners.js';
import type { OutboxNotifications, RelayTimer } from '../domain/notifications/notification-relay.js';
import type { UploadChartOptions } from './charts/upload-chart.js';
import type { PostedAlertStore } from '../domain/ports/posted-alert-store.js';
import { alertDesk } from './alerts/alert-desk.js';
import { createRoleResolver } from './roles.js';
import type { SlackContext, SlackLogger } from './slack-context.js';

export interface SlackRoute {
  method: 'POST';
  path: string;
  handler(req: IncomingMessage, res: ServerResponse): void;
}

export interface SlackEdge {
  bolt: BoltApp;
  /** HTTP mode: mount these on Herald's HTTP server. Socket Mode: empty. */
  routes: SlackRoute[];
  /** How Herald posts to channels by itself (activity threads, alerts, approvals, digest): paced per channel. */
  poster: ChannelPoster;
  /** The activity threads (SLACK_ACTIVITY_CHANNEL), or null when no channel is configured; main.ts schedules `refreshSending`. */
  activity: ActivityThreads | null;
  /** The managers' channel (SLACK_DIGEST_CHANNEL; `channel` null when unset): `/campaign digest --post` and the daily-digest job post through it. */
  digest: DigestPublisher;
  /** Socket Mode: opens the socket. HTTP mode: nothing, unless `listen` is given (the receiver's own server). */
  start(listen?: { port: number; host: string }): Promise<Server | void>;
  stop(): Promise<void>;
  /** Resolves once every notification written so far has reached Slack (alerts posted or edited, DMs sent), unless another replica relays them: shutdown and tests. */
  settled(): Promise<void>;
}

/** Times a Slack request until its HTTP answer (the ack) is written. */
export interface SlackAckTimer {
  startSlackAck(): () => void;
}

/**
 * What the Slack edge is given by wiring: the command layer's context, the idempotency store, the
 * process's logger and its metrics.
 */
export type SlackServices = CommandContext & {
  stores: { idempotency: IdempotencyStore; alerts?: PostedAlertStore; channelThreads?: ChannelThreadStore };
  logger: SlackLogger;
  metrics?: SlackAckTimer;
  /** This process's notifications: `settled` once they are all written to the outbox (a stop posts the last ones). */
  notifications?: { settled(): Promise<void> };
  /**
   * What Herald tells by itself, from every process (this one, the console, other replicas): the
   * edge relays the outbox to the alerts, the requesters' DMs and the activity threads (issue 12).
   */
  notificationOutbox?: Pick<OutboxNotifications, 'relay'>;
  /** The account's time zone, for the times alerts show. */
  config?: { accountTimeZone: string };
  /** Names this process in the thread claims. */
  owner?: string;
  /** Draws the charts replies carry (stats, compare). */
  charts?: ChartRenderer;
};

export interface SlackEdgeOptions {
  app: SlackServices;
  config: NonNullable<Config['slack']>;
  clock?: Clock;
  /** Default: the app's logger. */
  logger?: SlackLogger;
  /**
   * true: the HTTP answer waits until the listener finishes (tests; FaaS). false (default): the
   * answer goes out at ack(), so Slack's 3-second limit never waits on the command layer.
   */
  processBeforeResponse?: boolean;
  /** Web API retries; few by default so a Slack outage surfaces instead of queueing for minutes. */
  webApiRetries?: number;
  logLevel?: LogLevel;
  /** How long a user group's members are trusted before asking Slack again. */
  groupCacheMs?: number;
  /** The channel poster's pacing (tests: a hand-moved timer, or tiny intervals). */
  poster?: { timer?: PosterTimer; channelIntervalMs?: number };
  /** The outbox relay's look interval and timer (tests: a timer that never fires; they call `settled()`). */
  relay?: { timer?: RelayTimer; pollMs?: number; maxAgeMs?: number };
  /** How the digest's chart uploads wait for Slack to finish a file (tests: no sleeping). */
  chartUpload?: UploadChartOptions;
}

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The Slack edge: a Bolt app whose listeners call the same command layer as the console. HTTP mode
 * (signing secret) exposes one route for Herald's HTTP server; Socket Mode (app token) is for
 * development. The receivers only move bytes; every decision is in the listeners and below.
 */
export function createSlackEdge(options: SlackEdgeOptions): SlackEdge {
  const { app, config } = options;
  const logger = options.logger ?? app.logger;
  const clock = options.clock ?? app.deps.clock;
  const logLevel = options.logLevel ?? boltLevel(logger);
  // Bolt, its receivers and the Web API client write through Herald's logger, never the console.
  const boltLog = boltLogger(logger, logLevel);
  const receiver = config.socketMode
    ? new SocketModeReceiver({ appToken: requireValue(config.appToken, 'SLACK_APP_TOKEN'), logger: boltLog })
    : new HTTPReceiver({
        signingSecret: requireValue(config.signingSecret, 'SLACK_SIGNING_SECRET'),
        endpoints: [SLACK_EVENTS_PATH],
        processBeforeResponse: options.processBeforeResponse ?? false,
        logger: boltLog,
      });

  const bolt: BoltApp = new BoltApp({
    receiver,
    authorize: cachedAuthorize(config.botToken, (): BoltApp['client'] => bolt.client, logger),
    convoStore: false,
    logger: boltLog,
    logLevel,
    clientOptions: {
      ...(config.apiUrl ? { slackApiUrl: config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/` } : {}),
      retryConfig: { retries: options.webApiRetries ?? 2 },
      // A 429 on one channel must not pause every other person's modal behind it (NOTES.md).
      rejectRateLimitedCalls: true,
    },
  });

  // One poster for everything Herald posts by itself. Bolt's client rejects 429s (rejectRateLimitedCalls
  // above): the poster waits them out per channel, so alerts and activity cards share Slack's pacing.
  const poster = new SlackChannelPoster({ client: bolt.client, token: config.botToken, logger, ...options.poster });
  const digest = digestChannel({ poster, client: bolt.client, channel: config.digestChannel, ...(app.charts ? { renderer: app.charts } : {}), logger, ...(options.chartUpload ? { upload: options.chartUpload } : {}) });
  const { execute } = createExecutor({ ...app, digestPublisher: digest }, { error: (m, c) => logger.error(m, c) });
  const roleOf = createRoleResolver({
    config: { roles: config.roles, defaultRole: config.defaultRole },
    members: async (usergroup) => (await bolt.client.usergroups.users.list({ token: config.botToken, usergroup })).users ?? [],
    clock,
    ...(options.groupCacheMs !== undefined ? { ttlMs: options.groupCacheMs } : {}),
    logger,
  });
  const ctx: SlackContext = {
    execute,
    deps: app.deps,
    roleOf,
    idempotency: app.stores.idempotency,
    logger,
    ...(app.charts ? { charts: app.charts } : {}),
  };
  registerListeners(bolt, ctx);
  // Alerts in the alerts channel, the requesters' DMs and the activity threads follow the
  // notifications of every process through the outbox (one relaying replica at a time), never the
  // local bus: a click here and a console command elsewhere reach Slack the same way.
  const relay = app.notificationOutbox?.relay({ consumer: 'slack', ...options.relay }) ?? null;
  if (relay && app.stores.alerts) {
    relay.subscribe(alertDesk({ poster, store: app.stores.alerts, channel: config.alertsChannel, oncallGroup: config.oncallGroup, zone: app.config?.accountTimeZone ?? 'UTC', logger }));
  }
  const activity =
    config.activityChannel && app.stores.channelThreads && relay
      ? new ActivityThreads({
          poster,
          threads: app.stores.channelThreads,
          campaigns: app.deps.campaigns,
          clock,
          zone: app.deps.config.accountTimeZone,
          channel: config.activityChannel,
          owner: app.owner ?? 'herald',
          logger,
        })
      : null;
  if (relay && activity) relay.subscribe(activity.onNotification);
  // Starts at once (a first start sets the cursor at the current end), before any request is served.
  relay?.start();
  // One error handler: a listener that throws is logged with what Slack sent, never with tokens.
  bolt.error(async (error) => {
    logger.error('slack listener failed', { code: (error as { code?: string }).code, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });

  const routes: SlackRoute[] =
    receiver instanceof HTTPReceiver
      ? [{
          method: 'POST',
          path: SLACK_EVENTS_PATH,
          handler: (req, res) => {
            // Slack's 3-second limit runs until its HTTP answer: the ack (or, processing before the
            // response, the listener's end). Measured from when the request reached us.
            const acked = app.metrics?.startSlackAck();
            if (acked) res.once('finish', acked);
            try {
              receiver.requestListener(req, res);
            } catch {
              res.writeHead(404).end();
            }
          },
        }]
      : [];

  let started = false;
  return {
    bolt,
    routes,
    poster,
    activity,
    digest,
    async start(listen) {
      if (config.socketMode) {
        await bolt.start();
        started = true;
        return;
      }
      if (listen) {
        started = true;
        return (await bolt.start(listen)) as Server;
      }
    },
    async stop() {
      // What was told before the stop is still posted (bounded by main.ts's shutdown deadline).
      await app.notifications?.settled();
      await relay?.settled();
      await relay?.stop();
      await poster.drain();
      if (started) await bolt.stop();
      started = false;
    },
    async settled() {
      await app.notifications?.settled();
      await relay?.settled();
      await poster.drain();
    },
  };
}

/** One auth.test per process (lazily, retried after a failure) instead of one per request. */
function cachedAuthorize(botToken: string, client: () => BoltApp['client'], logger: SlackLogger): Authorize<boolean> {
  let identity: Promise<{ botId?: string; botUserId?: string }> | null = null;
  return async () => {
    identity ??= client()
      .auth.test({ token: botToken })
      .then((r) => ({ ...(r.bot_id ? { botId: r.bot_id } : {}), ...(r.user_id ? { botUserId: r.user_id } : {}) }))
      .catch((error: unknown) => {
        logger.warn('auth.test failed; continuing without the bot identity', { error: error instanceof Error ? error.message : String(error) });
        identity = null;
        return {};
      });
    return { botToken, ...(await identity) };
  };
}

function requireValue(value: string | null, name: string): string {
  if (!value) throw new Error(`${name} is required for this Slack mode`);
  return value;
}
