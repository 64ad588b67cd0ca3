import { ConfigError, loadConfig } from './config.js';
import { DataDirInUseError } from './adapters/db/embedded-postgres.js';
import { createCommandHandler } from './commands/handle-command.js';
import { runConsole } from './console/run-console.js';
import { buildApp } from './wiring.js';

/** Start-up: config -> wiring -> edge (the console until the Slack app lands) -> clean shutdown. */
async function main(): Promise<number> {
  const config = loadConfig();
  const app = await buildApp(config);
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    await app.close();
    process.exit(code);
  };
  process.once('SIGTERM', () => void shutdown(143));
  process.once('SIGINT', () => void shutdown(130));
  if (config.slack) {
    process.stderr.write('Slack credentials are set, but the Slack app is not in this build yet: starting the console instead.\n');
  }
  const where = app.database.engine === 'embedded' ? `embedded database in ${config.dataDir}/db` : 'PostgreSQL (DATABASE_URL)';
  const failures = await runConsole({
    input: process.stdin,
    output: process.stdout,
    handle: createCommandHandler(app.deps),
    actor: { id: config.consoleActor },
    banner: `Herald console on the ${where}. Type /campaign help, or exit.`,
  });
  await app.close();
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected = error instanceof ConfigError || error instanceof DataDirInUseError;
    process.stderr.write(`${expected ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  },
);
