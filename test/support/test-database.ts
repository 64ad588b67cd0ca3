import crypto from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/adapters/db/database.js';

export type Engine = 'embedded' | 'postgres';

/**
 * Integration tests run on the embedded engine always, and also on a real PostgreSQL when
 * HERALD_TEST_POSTGRES_URL names a server (`.ci/run` sets it). Each call makes a fresh database.
 */
export const ENGINES: Engine[] = process.env.HERALD_TEST_POSTGRES_URL ? ['embedded', 'postgres'] : ['embedded'];

export interface TestDatabase extends Database {
  /** Closes the client and removes the database (PostgreSQL) or the in-memory instance (embedded). */
  drop(): Promise<void>;
}

export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'embedded') {
    const db = await openDatabase({ poolSize: 8 });
    return { ...db, drop: () => db.close() };
  }
  const adminUrl = process.env.HERALD_TEST_POSTGRES_URL;
  if (!adminUrl) throw new Error('HERALD_TEST_POSTGRES_URL is not set');
  const name = `herald_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 8 });
  return {
    ...db,
    async drop() {
      await db.close();
      await admin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
