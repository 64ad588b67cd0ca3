import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { applyMigrations, type MigrationReport } from './migrate.js';
import { createPrismaClient, type Db } from './prisma-client.js';

export interface Database {
  prisma: Db;
  url: string;
  engine: 'embedded' | 'postgres';
  migrations: MigrationReport;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string; absent means the embedded database in `dataDir`. */
  databaseUrl?: string;
  /** Folder of the embedded database; undefined with no databaseUrl means in memory. */
  dataDir?: string;
  poolSize?: number;
}

/** Opens the configured database and brings its schema up to date before anything uses it. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  const url = options.databaseUrl ?? (embedded = await startEmbeddedPostgres({ dataDir: options.dataDir })).url;
  try {
    const migrations = await applyMigrations(url);
    // PGlite serves every socket connection from one backend session, and its socket server queues
    // protocol messages one by one: two connections' extended-protocol queries interleave ("unnamed
    // prepared statement does not exist"). One connection keeps each query whole; PGlite runs one
    // query at a time anyway, so nothing is lost.
    const prisma = embedded ? createPrismaClient(url, 1, { maxWaitMs: 300_000 }) : createPrismaClient(url, options.poolSize);
    return {
      prisma,
      url,
      engine: embedded ? 'embedded' : 'postgres',
      migrations,
      async close() {
        await prisma.$disconnect();
        await embedded?.close();
      },
    };
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}
