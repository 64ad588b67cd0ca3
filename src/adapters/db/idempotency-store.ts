import type { IdempotencyStore } from '../../domain/ports/idempotency-store.js';
import { utcTimestamp } from './ledger-sql.js';
import { Prisma, type Db } from './prisma-client.js';

/** Seen request keys; the primary key makes two concurrent claims of one key end with exactly one winner. */
export class PrismaIdempotencyStore implements IdempotencyStore {
  constructor(private readonly prisma: Db) {}

  async claim(key: string, at: Date): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO idempotency_key (key, created_at) VALUES (${key}, ${utcTimestamp(at)})
      ON CONFLICT DO NOTHING`;
    return inserted === 1;
  }

  async claimWithin(key: string, at: Date, windowMs: number): Promise<boolean> {
    // One statement, so two concurrent repeats still end with one winner: the row is taken over only
    // when the earlier claim is more than the window older than this click.
    const claimed = await this.prisma.$executeRaw`
      INSERT INTO idempotency_key (key, created_at) VALUES (${key}, ${utcTimestamp(at)})
      ON CONFLICT (key) DO UPDATE SET created_at = EXCLUDED.created_at, result = NULL
      WHERE idempotency_key.created_at < EXCLUDED.created_at - make_interval(secs => ${windowMs / 1000}::float8)`;
    return claimed === 1;
  }

  async remember(key: string, result: Record<string, unknown>): Promise<void> {
    await this.prisma.idempotencyKey.updateMany({ where: { key }, data: { result: result as Prisma.InputJsonObject } });
  }

  async recall(key: string): Promise<Record<string, unknown> | null> {
    const row = await this.prisma.idempotencyKey.findUnique({ where: { key } });
    return row?.result && typeof row.result === 'object' && !Array.isArray(row.result) ? (row.result as Record<string, unknown>) : null;
  }

  async release(key: string): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({ where: { key } });
  }
}
