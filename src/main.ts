import { ConfigError, configSecrets, effectivePublicBaseUrl, loadConfig, startupWarnings } from './config.js';
import { EmbeddedDatabaseError } from './adapters/db/embedded/data-dir-lock.js';
import { createLogger, type HeraldLogger } from './adapters/logging/logger.js';
import { createCommandHandler } from './commands/handle-command.js';
import { runConsole } from './console/run-console.js';
import { createHttpServer } from './http/http-server.js';
import { startScheduler } from './jobs/scheduler.js';
import { buildApp } from './wiring.js';

/** A start-up problem the person can fix, said plainly without a stack. */
class StartupError extends Error {}

/** The process's one logger, once the configuration says its level (start-up errors use it too). */
let logger: HeraldLogger | null = null;

/**
 * Start-up: config -> wiring -> HTTP edge (webhooks, unsubscribe, Slack in HTTP mode) -> delivery
 * worker and scheduler -> Slack when configured, else the console -> clean shutdown that lets
 * batches in flight finish.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const log = (logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) }));
  const app = await buildApp(config, { logger: log });
  // Bolt (~40 MB) and the twilio SDK are loaded only when configured.
  const slack = config.slack ? (await import('./slack/slack-app.js')).createSlackEdge({ app, config: config.slack }) : null;
  const mapTwilioStatus = config.sms.twilio ? (await import('./adapters/channels/twilio-sms-provider.js')).mapTwilioStatus : null;
  const http = createHttpServer(
    {
      clock: app.deps.clock,
      receipts: app.stores.receipts,
      suppressions: app.stores.suppressions,
      unsubscribes: app.stores.unsubscribes,
      signer: app.signer,
      health: app.health,
      metrics: () => app.metrics.scrape(),
      log: log.child({ edge: 'http' }),
    },
    {
      publicBaseUrl: config.http.publicBaseUrl,
      twilio: config.sms.twilio && mapTwilioStatus ? { authToken: config.sms.twilio.authToken, mapStatus: mapTwilioStatus } : null,
      // HTTP mode: Slack posts commands, clicks and events to POST /slack/events on this same server.
      extraRoutes: slack?.routes ?? [],
    },
  );
  let port: number;
  try {
    ({ port } = await http.listen(config.http.port, config.http.host));
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new StartupError(
        `Herald cannot listen on ${config.http.host}:${config.http.port} (${code === 'EADDRINUSE' ? 'in use, perhaps by another Herald' : 'not permitted'}). ` +
          'Set HTTP_PORT to another port, or HTTP_PORT=0 for any free one.',
      );
    }
    throw error;
  }
  app.setPublicBaseUrl(effectivePublicBaseUrl(config, port));
  for (const warning of startupWarnings(config, port)) log.warn(warning);
  await app.worker.recoverDeadOwners();
  const interactive = process.stdin.isTTY === true;
  // A script sends what is due when its input ends (drain below); a terminal or Slack sends all along.
  if (interactive || slack) app.worker.start();
  const scheduler = startScheduler(app.delivery, config.delivery.tickMs, () => app.worker.wake());

  // One close, however many callers (a signal and the end of a script): each waits for all of it.
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await scheduler.stop();
      await slack?.stop();
      await http.close();
      await app.close();
    })());
  const shutdown = async (signal: NodeJS.Signals, code: number) => {
    log.info(`Herald is stopping (${signal}): letting the messages in flight finish, then exiting.`, { signal });
    await close();
    process.exit(code);
  };
  // SIGTERM is the ordinary way to stop a service (docker stop, Kubernetes): a clean stop exits 0.
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.once('SIGINT', () => void shutdown('SIGINT', 130));
  if (slack && config.slack) {
    await slack.start();
    const how = config.slack.socketMode ? 'Socket Mode' : `HTTP on http://${config.http.host}:${port}/slack/events`;
    log.info(`Herald is running for Slack (${how}) on the ${app.database.engine === 'embedded' ? 'embedded database' : 'PostgreSQL'}. Stop with Ctrl-C.`);
    await new Promise<void>(() => {});
  }
  const where = app.database.engine === 'embedded' ? `embedded database in ${config.dataDir}/db` : 'PostgreSQL (DATABASE_URL)';
  const failures = await runConsole({
    input: process.stdin,
    output: process.stdout,
    handle: createCommandHandler(app, log.child({ edge: 'console' })),
    actor: { id: config.consoleActor },
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected = error instanceof ConfigError || error instanceof EmbeddedDatabaseError || error instanceof StartupError;
    // Something the person starting Herald can fix: said to them in plain words, not as a log record.
    if (expected) process.stderr.write(`Herald cannot start. ${(error as Error).message}\n`);
    // A bad configuration stops us before the logger exists (LOG_LEVEL itself may be the bad value).
    else (logger ?? createLogger({ level: 'info' })).fatal('Herald stopped on an unexpected error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(error instanceof ConfigError ? 78 : 1);
  },
);
