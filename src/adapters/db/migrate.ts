import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The committed migrations folder (prisma/migrations at the project root). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations/', import.meta.url));

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
  /** Applied migrations whose file changed since (Prisma warns about these too). */
  modified: string[];
}

// The same key `prisma migrate deploy` takes, so Herald and the Prisma CLI never migrate at once.
const ADVISORY_LOCK_KEY = 72707369;

// Prisma's own bookkeeping table, column for column, so `prisma migrate deploy/status` agree with us.
const CREATE_BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies every committed migration not yet applied, each in its own transaction together with its
 * bookkeeping row: a migration is either fully applied and recorded, or not at all. Safe to run from
 * several replicas at once: each transaction takes a transaction-scoped advisory lock and re-reads the
 * bookkeeping under it, so the lock ends with the transaction even if the process dies mid-way.
 */
export async function applyMigrations(url: string, migrations: MigrationFile[] = readMigrations()): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const locked = async <T>(work: () => Promise<T>): Promise<T> => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  };
  try {
    const rows = await locked(async () => {
      await client.query(CREATE_BOOKKEEPING);
      return (
        await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
          'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
        )
      ).rows;
    });
    const unfinished = rows.find((row) => row.finished_at === null);
    if (unfinished) {
      throw new Error(
        `Migration ${unfinished.migration_name} started but did not finish (recorded in _prisma_migrations). ` +
          'Fix the database by hand, then mark it rolled back or applied before starting Herald again.',
      );
    }
    const done = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const report: MigrationReport = { applied: [], alreadyApplied: 0, modified: [] };
    for (const migration of migrations) {
      const recorded = done.get(migration.name);
      if (recorded !== undefined) {
        report.alreadyApplied += 1;
        if (recorded !== migration.checksum) report.modified.push(migration.name);
        continue;
      }
      const applied = await locked(async () => {
        // Another start-up may have applied it while this one waited for the lock.
        const again = await client.query('SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL', [migration.name]);
        if (again.rowCount) return false;
        try {
          await client.query(migration.sql);
        } catch (error) {
          throw new Error(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
        }
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [crypto.randomUUID(), migration.checksum, migration.name],
        );
        return true;
      });
      if (applied) report.applied.push(migration.name);
      else report.alreadyApplied += 1;
    }
    return report;
  } finally {
    await client.end();
  }
}
