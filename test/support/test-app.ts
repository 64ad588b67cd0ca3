import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createCommandHandler } from '../../src/commands/handle-command.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { renderText } from '../../src/console/render-text.js';
import { buildApp, type App, type AppOverrides } from '../../src/wiring.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, type Engine, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: App;
  db: TestDatabase;
  clock: FixedClock;
  /** A temporary data folder (local captures land under it). */
  dataDir: string;
  /** Runs one `/campaign …` line as `actor` and returns the plain-text reply and whether it succeeded. */
  run(line: string, actor?: string): Promise<{ ok: boolean; text: string }>;
  close(): Promise<void>;
}

export const T0 = new Date('2026-11-22T10:00:00Z');

export async function createTestApp(engine: Engine, env: NodeJS.ProcessEnv = {}, overrides: Omit<AppOverrides, 'database' | 'clock'> = {}): Promise<TestApp> {
  const db = await createTestDatabase(engine);
  const clock = new FixedClock(T0);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-test-'));
  const app = await buildApp(loadConfig({ ACCOUNT_TIME_ZONE: 'UTC', HERALD_DATA_DIR: dataDir, ...env }), {
    log: () => {},
    // Quiet unless asked: HERALD_TEST_LOG=1 shows every line (debug) on stderr.
    logger: createLogger({ level: process.env.HERALD_TEST_LOG ? 'debug' : 'silent' }),
    ...overrides,
    database: db,
    clock,
  });
  const handle = createCommandHandler(app, { error: (m, c) => process.env.HERALD_TEST_LOG && console.error(m, c) });
  return {
    app,
    db,
    clock,
    dataDir,
    async run(line, actor = 'alice') {
      const reply = await handle(line, { id: actor });
      return { ok: reply.ok, text: renderText(reply) };
    },
    async close() {
      await app.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
