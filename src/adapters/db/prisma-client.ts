import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.js';

export type Db = PrismaClient;
export { Prisma } from './generated/client.js';

/**
 * The only place that builds a Prisma client: the pg driver adapter, no native engine. `maxWaitMs`:
 * how long a transaction may wait for a connection (with one connection, behind a long run build).
 */
export function createPrismaClient(url: string, poolSize = 10, options: { maxWaitMs?: number } = {}): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: poolSize }),
    ...(options.maxWaitMs ? { transactionOptions: { maxWait: options.maxWaitMs } } : {}),
  });
}
