import path from 'node:path';
import { chartServiceUrl, ConfigError, configFromProcess, configSecrets, effectivePublicBaseUrl, startupWarnings } from './config.js';
import { EmbeddedDatabaseError } from './adapters/db/embedded/data-dir-lock.js';
import { createLogger, type HeraldLogger } from './adapters/logging/logger.js';
import { createCommandHandler } from './commands/handle-command.js';
import { consoleCharts } from './console/console-charts.js';
import { runConsole } from './console/run-console.js';
import { createHttpServer } from './http/http-server.js';
import type { DeliveryWorker } from './jobs/delivery-worker.js';
import type { JobRegistry } from './jobs/job-registry.js';
import { activityCardsJob, createScheduler, digestJob } from './jobs/scheduler.js';
import { dailyDigest } from './jobs/daily-digest.js';
import { campaignRef } from './domain/campaign/campaign.js';
import { buildApp } from './wiring.js';

/** A start-up problem the person can fix, said plainly without a stack. */
class StartupError extends Error {}

/** The process's one logger, once the configuration says its level (start-up errors use it too). */
let logger: HeraldLogger | null = null;

/**
 * Start-up: config -> wiring -> HTTP edge (webhooks, unsubscribe, Slack in HTTP mode) -> delivery
 * worker and scheduler -> server mode (plus Slack when configured) until a signal, or the console ->
 * clean shutdown that lets batches in flight and a running tick finish, within a deadline.
 */
async function main(): Promise<number> {
  const config = configFromProcess();
  const log = (logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) }));
  const app = await buildApp(config, { logger: log });
  // Server mode is the service with no terminal; Slack mode is the same service plus Bolt.
  const serve = config.mode === 'serve';
  // Bolt (~40 MB) and the twilio SDK are loaded only when configured.
  const slack = serve && config.slack ? (await import('./slack/slack-app.js')).createSlackEdge({ app, config: config.slack }) : null;
  const mapTwilioStatus = config.sms.twilio ? (await import('./adapters/channels/twilio-sms-provider.js')).mapTwilioStatus : null;
  const http = createHttpServer(app.httpDeps(log.child({ edge: 'http' })), {
    publicBaseUrl: config.http.publicBaseUrl,
    twilio: config.sms.twilio && mapTwilioStatus ? { authToken: config.sms.twilio.authToken, mapStatus: mapTwilioStatus } : null,
    // HTTP mode: Slack posts commands, clicks and events to POST /slack/events on this same server.
    extraRoutes: slack?.routes ?? [],
  });
  let port: number;
  try {
    ({ port } = await http.listen(config.http.port, config.http.host));
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new ConfigError(
        `HTTP_HOST=${config.http.host} is not an address of this machine (${code === 'EADDRNOTAVAIL' ? 'not local' : 'does not resolve'}): ` +
          'use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of its own addresses.',
      );
    }
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new StartupError(
        `Herald cannot listen on ${config.http.host}:${config.http.port} (${code === 'EADDRINUSE' ? 'in use, perhaps by another Herald' : 'not permitted'}). ` +
          'Set HTTP_PORT to another port, or HTTP_PORT=0 for any free one.',
      );
    }
    throw error;
  }
  app.setPublicBaseUrl(effectivePublicBaseUrl(config, port));
  app.setChartServiceUrl(chartServiceUrl(config, port));
  for (const warning of startupWarnings(config, port)) log.warn(warning);
  await app.worker.recoverDeadOwners();
  const interactive = process.stdin.isTTY === true;
  // The service and a terminal send all along; a script sends what is due when its input ends (drain below).
  const longLived = serve || interactive;
  if (longLived) app.worker.start();
  // Every periodic job, in one registry; each firing is claimed in the database (one replica runs it).
  const scheduler = createScheduler({ delivery: app.delivery, claims: app.stores.jobClaims, owner: app.owner, tickMs: config.delivery.tickMs, onTick: () => app.worker.wake(), notificationOutbox: app.notificationOutbox });
  // The daily digest (DIGEST_CRON): to SLACK_DIGEST_CHANNEL when set, else told as a notification (the console prints it).
  scheduler.register(
    digestJob(
      { cron: config.digestCron, timeZone: config.accountTimeZone },
      dailyDigest({
        deps: { metrics: app.metricsDeps, activity: app.periodActivity, clock: app.deps.clock },
        timeZone: config.accountTimeZone,
        publisher: slack?.digest ?? null,
        notifier: app.notifications,
        log: app.delivery.log,
      }),
    ),
  );
  // The live activity cards are refreshed while their campaigns send (status changes refresh them at once).
  const activity = slack?.activity;
  if (activity) scheduler.register(activityCardsJob({ timeZone: config.accountTimeZone }, () => activity.refreshSending()));
  scheduler.start();
  // The service and a terminal do at once what is due now rather than at the first firing.
  if (longLived) void scheduler.fireDue();

  // One close, however many callers (a signal and the end of a script): each waits for all of it.
  let stage = 'letting the batches in flight and the scheduler tick finish';
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      // Claim nothing more and let what runs finish; HTTP stays up meanwhile, so receipts and
      // unsubscribes for the messages in flight still land.
      await Promise.all([scheduler.stop(), app.worker.stop()]);
      stage = 'stopping Slack and the HTTP edge';
      await slack?.stop();
      await http.close();
      stage = 'closing the providers and the database';
      await app.close();
    })());
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // A terminal's Ctrl-C can arrive twice (npm passes it on too): the first stop goes on, bounded by its deadline.
      log.info(`Herald is already stopping (${signal} again): it exits once the work in flight is recorded, at most ${config.shutdownTimeoutMs / 1000} s after the first signal.`, { signal });
      return;
    }
    stopping = true;
    const waiting = workInFlight(app.worker, scheduler);
    log.info(
      `Herald is stopping (${signal}): claiming nothing more; ${waiting.length ? `waiting for ${waiting.join(', ')}` : 'nothing in flight'} ` +
        `(at most ${config.shutdownTimeoutMs / 1000} s, SHUTDOWN_TIMEOUT_SECONDS), then exiting.`,
      { signal },
    );
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs, 'timeout').unref());
    const outcome = await Promise.race([close().then(() => 'stopped' as const), deadline]);
    if (outcome === 'timeout') {
      const left = workInFlight(app.worker, scheduler);
      log.error(
        `Herald did not stop within ${config.shutdownTimeoutMs / 1000} s (SHUTDOWN_TIMEOUT_SECONDS) while ${stage}; ` +
          `${left.length ? `still in flight: ${left.join(', ')}` : 'nothing left in flight'}. Exiting with status 1. ` +
          'Messages of those batches stay `sending` until the next start on this host (or, on another replica, their lease ' +
          'running out, SEND_LEASE_SECONDS) settles them: `unknown` if they were handed to the provider, else queued again.',
      );
      process.exit(1);
    }
    // SIGTERM is the ordinary way to stop a service (docker stop, Kubernetes): a clean stop exits 0.
    process.exit(signal === 'SIGINT' ? 130 : 0);
  };
  const onSignal = (signal: NodeJS.Signals) =>
    void shutdown(signal).catch((error: unknown) => {
      log.error('Herald could not stop cleanly', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (serve) {
    await slack?.start();
    const database = app.database.engine === 'embedded' ? `the embedded database in ${path.join(config.dataDir, 'postgres')}` : 'PostgreSQL (DATABASE_URL)';
    const edges = slack && config.slack ? `Slack over ${config.slack.socketMode ? 'Socket Mode' : `HTTP on http://${config.http.host}:${port}/slack/events`}` : 'no Slack';
    log.info(`Herald is serving on http://${config.http.host}:${port} (${database}; ${edges}): delivery worker and scheduler running. Stop with SIGTERM or Ctrl-C.`);
    // Runs until a signal: the shutdown above exits the process.
    await new Promise<void>(() => {});
  }
  const where = app.database.engine === 'embedded' ? `embedded database in ${path.join(config.dataDir, 'postgres')}` : 'PostgreSQL (DATABASE_URL)';
  const failures = await runConsole({
    input: process.stdin,
    output: process.stdout,
    handle: createCommandHandler(app, log.child({ edge: 'console' })),
    actor: { id: config.consoleActor },
    charts: consoleCharts({ renderer: app.charts, dataDir: config.dataDir, clock: app.deps.clock }),
    notifications: { subscribe: (listener) => app.notifications.subscribe(listener), settled: () => app.notifications.settled(), timeZone: config.accountTimeZone },
    banner: `Herald console on the ${where}; webhooks and unsubscribe links on http://${config.http.host}:${port}. Type /campaign help, or exit.`,
  });
  if (!interactive) {
    // A script's launches are sent before the process exits (whatever is due now; retries and quiet
    // hours wait for the next start, which resumes them).
    const sent = await app.worker.drain();
    if (sent > 0) process.stdout.write(`Sent what was due before exiting: ${sent} message${sent === 1 ? '' : 's'} handled.\n`);
  }
  await close();
  return failures > 0 ? 1 : 0;
}

/** What a shutdown is waiting for, in words: the batches being sent and a running scheduler tick. */
function workInFlight(worker: DeliveryWorker, scheduler: JobRegistry): string[] {
  const batches = new Map<string, number>();
  for (const b of worker.inFlight()) {
    const what = `${b.channel} batch of ${campaignRef(b.campaignId)} (run ${b.runId})`;
    batches.set(what, (batches.get(what) ?? 0) + 1);
  }
  const work = [...batches].map(([what, n]) => (n === 1 ? `1 ${what}` : `${n} ${what.replace(' batch ', ' batches ')}`));
  for (const job of scheduler.busy()) work.push(job === 'delivery-tick' ? 'the scheduler tick' : `the ${job} job`);
  return work;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected = error instanceof ConfigError || error instanceof EmbeddedDatabaseError || error instanceof StartupError;
    // Something the person starting Herald can fix: said to them in plain words, not as a log record.
    if (expected) process.stderr.write(`Herald cannot start. ${(error as Error).message}\n`);
    // A bad configuration stops us before the logger exists (LOG_LEVEL itself may be the bad value).
    else (logger ?? createLogger({ level: 'info' })).fatal('Herald stopped on an unexpected error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    // 78 (EX_CONFIG): what the person starting Herald set, or where, must change.
    process.exit(expected ? 78 : 1);
  },
);
