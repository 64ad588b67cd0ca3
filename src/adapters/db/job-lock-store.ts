import type { JobClaims } from '../../domain/ports/job-claims.js';
import { utcTimestamp } from './ledger-sql.js';
import type { Db } from './prisma-client.js';

/**
 * Job firings claimed in `job_lock` (primary key: name + fire_at). The replica whose insert lands
 * runs the firing; the others' `ON CONFLICT DO NOTHING` inserts nothing, so they skip it.
 */
export class PrismaJobClaims implements JobClaims {
  constructor(private readonly prisma: Db) {}

  async claim(name: string, fireAt: Date, owner: string, claimedAt: Date): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO job_lock (name, fire_at, owner, created_at) VALUES (${name}, ${utcTimestamp(fireAt)}, ${owner}, ${utcTimestamp(claimedAt)})
      ON CONFLICT (name, fire_at) DO NOTHING`;
    return inserted === 1;
  }

  async prune(before: Date): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM job_lock WHERE fire_at < ${utcTimestamp(before)}`;
  }
}
