import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded/embedded-postgres.js';
import { databaseUrlProblem } from './database-errors.js';
import { applyMigrations, type MigrationReport } from './migrate.js';
import { createPrismaClient, type Db, type SqlPool } from './prisma-client.js';

export interface Database {
  prisma: Db;
  /** The pool under `prisma`, for hot statements sent to `pg` directly. */
  pool: SqlPool;
  url: string;
  engine: 'embedded' | 'postgres';
  migrations: MigrationReport;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { /** A PostgreSQL server. */ databaseUrl: string; poolSize?: number }
  | { /** Herald's data folder: the embedded server's cluster lives in `<dataDir>/postgres`. */ dataDir: string; poolSize?: number };

/** Opens the configured database (starting the embedded server first) and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  const url = 'databaseUrl' in options ? options.databaseUrl : (embedded = await startEmbeddedPostgres({ dataDir: path.resolve(options.dataDir) })).url;
  try {
    const migrations = await applyMigrations(url).catch((error: unknown) => {
      throw ('databaseUrl' in options && databaseUrlProblem(error, url)) || error;
    });
    const { prisma, pool } = createPrismaClient(url, options.poolSize);
    return {
      prisma,
      pool,
      url,
      engine: embedded ? 'embedded' : 'postgres',
      migrations,
      async close() {
        await prisma.$disconnect();
        await pool.end();
        await embedded?.close();
      },
    };
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}
