import type { EventCountRow, MetricsStore, RunRow, StatusCountRow } from '../../domain/ports/metrics-store.js';
import type { Db } from './prisma-client.js';

/** Reads the count tables only (run_status_count, run_event_count): the ledger and the hits are never scanned. */
export class PrismaMetricsStore implements MetricsStore {
  constructor(private readonly prisma: Db) {}

  async countsOf(campaignId: number): Promise<{ runs: RunRow[]; status: StatusCountRow[]; events: EventCountRow[] }> {
    const [runs, status, events] = await Promise.all([
      this.prisma.$queryRaw<RunRow[]>`SELECT id, number, status::text AS status FROM run WHERE campaign_id = ${campaignId} ORDER BY number`,
      this.prisma.$queryRaw<StatusCountRow[]>`
        SELECT c.run_id AS "runId", c.variant, c.status::text AS status, c.category,
               c.count::float8 AS count, c.segments::float8 AS segments, c.cost_micros::float8 AS "costMicros"
        FROM run_status_count c JOIN run r ON r.id = c.run_id
        WHERE r.campaign_id = ${campaignId} AND (c.count <> 0 OR c.segments <> 0 OR c.cost_micros <> 0)`,
      this.prisma.$queryRaw<EventCountRow[]>`
        SELECT c.run_id AS "runId", c.variant, c.metric, c.count::float8 AS count
        FROM run_event_count c JOIN run r ON r.id = c.run_id WHERE r.campaign_id = ${campaignId} AND c.count <> 0`,
    ]);
    return { runs, status, events };
  }
}
