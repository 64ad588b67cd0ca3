import { Prisma, type Db } from './prisma-client.js';

/**
 * `timestamp(3)` columns hold UTC wall time (as Prisma writes them). Times from the injected clock go
 * in as UTC text, so no session time zone can shift them.
 */
export function utcText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function utcTimestamp(date: Date): Prisma.Sql {
  return Prisma.sql`${utcText(date)}::timestamp`;
}

/**
 * Messages by status for a campaign (all its runs) or one run, read from `run_status_count`, which
 * triggers on `message` keep as rows are written: a card costs a few rows, not a pass over the ledger.
 */
export async function messageCountsByStatus(prisma: Db, campaignId: number, runId?: number): Promise<Record<string, number>> {
  const runs = runId !== undefined ? Prisma.sql`c.run_id = ${runId}` : Prisma.sql`c.run_id IN (SELECT id FROM run WHERE campaign_id = ${campaignId})`;
  const rows = await prisma.$queryRaw<{ status: string; n: number }[]>`
    SELECT c.status::text AS status, sum(c.count)::int AS n FROM run_status_count c WHERE ${runs} GROUP BY c.status HAVING sum(c.count) <> 0`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
