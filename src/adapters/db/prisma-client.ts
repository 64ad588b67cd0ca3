import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client.js';
import { guardStorage } from './storage-guard.js';

export type Db = PrismaClient;
export type SqlPool = pg.Pool;
export { Prisma } from './generated/client.js';

/**
 * The only place that builds a Prisma client: the pg driver adapter, no native engine. The pool
 * under it is shared with the few hot statements that go to `pg` directly (the delivery journal's
 * writes: a query through Prisma costs about 1-2 ms more, on every message).
 */
export function createPrismaClient(url: string, poolSize = 10): { prisma: PrismaClient; pool: SqlPool } {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server drops (a restart, a shutdown racing ours) must not bring Herald
  // down as an unhandled 'error' event: the pool replaces it, and the next query reports trouble.
  pool.on('error', () => {});
  // Every query passes the storage guard: values the grammar did not see are still refused by name.
  return { prisma: guardStorage(new PrismaClient({ adapter: new PrismaPg(pool) })), pool };
}
