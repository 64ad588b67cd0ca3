import crypto from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/adapters/db/database.js';
import { startScratchPostgres } from '../../src/adapters/db/embedded/scratch-postgres.js';

export type Engine = 'embedded' | 'postgres';

/**
 * Integration tests run on the embedded server always (the PostgreSQL 18 Herald runs itself, started
 * once per test run by test/support/embedded-server-setup.ts), and also on an external PostgreSQL
 * when HERALD_TEST_POSTGRES_URL names one (`.ci/run` sets it: version 15 on these machines). Both are
 * real PostgreSQL; both run every integration suite because they are different major versions, and
 * Herald's SQL must hold on the servers users have. Each call makes a fresh database.
 */
export const ENGINES: Engine[] = process.env.HERALD_TEST_POSTGRES_URL ? ['embedded', 'postgres'] : ['embedded'];

export const EMBEDDED_URL_VAR = 'HERALD_TEST_EMBEDDED_URL';

export interface TestDatabase extends Database {
  /** Closes the client and drops the database. */
  drop(): Promise<void>;
}

let ownServer: Promise<string> | undefined;

/** Where test databases are created: the run's embedded server, or the external one. */
async function adminUrl(engine: Engine): Promise<string> {
  if (engine === 'postgres') {
    const url = process.env.HERALD_TEST_POSTGRES_URL;
    if (!url) throw new Error('HERALD_TEST_POSTGRES_URL is not set');
    return url;
  }
  const shared = process.env[EMBEDDED_URL_VAR];
  if (shared) return shared;
  // Outside vitest (the bench): one scratch server for this process, stopped when it exits.
  ownServer ??= startScratchPostgres('herald-bench-pg-').then((server) => server.url);
  return ownServer;
}

/** A new, empty database (no schema: what a first start-up meets). */
export async function createEmptyDatabase(engine: Engine, prefix = 'herald_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await adminUrl(engine);
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await query(admin, `CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => query(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => {}) };
}

export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const empty = await createEmptyDatabase(engine);
  const db = await openDatabase({ databaseUrl: empty.url, poolSize: 8 });
  return {
    ...db,
    engine,
    async drop() {
      await db.close();
      await empty.drop();
    },
  };
}

export async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}
