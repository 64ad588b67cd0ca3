import type { EventCountRow, MetricsStore, RunRow, SeriesPoint, StatusCountRow } from '../../domain/ports/metrics-store.js';
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

  async activityOf(campaignId: number, bucket: 'hour' | 'day', timeZone: string): Promise<{ sent: SeriesPoint[]; opens: SeriesPoint[]; clicks: SeriesPoint[] }> {
    // Times are stored as UTC without a zone: read them as UTC, cut them in the account's zone, and
    // answer each bucket's start as an instant. `bucket` is one of two literals, never text from a person.
    const unit = bucket === 'hour' ? 'hour' : 'day';
    const [sent, hits] = await Promise.all([
      this.prisma.$queryRaw<{ at: Date; count: number }[]>`
        SELECT date_trunc(${unit}, (COALESCE(m.sent_at, m.delivered_at) AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}) AT TIME ZONE ${timeZone} AS at,
               count(*)::float8 AS count
        FROM message m
        WHERE m.run_id IN (SELECT id FROM run WHERE campaign_id = ${campaignId}) AND COALESCE(m.sent_at, m.delivered_at) IS NOT NULL
        GROUP BY 1 ORDER BY 1`,
      this.prisma.$queryRaw<{ at: Date; type: string; count: number }[]>`
        SELECT date_trunc(${unit}, (e.occurred_at AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}) AT TIME ZONE ${timeZone} AS at,
               e.type::text AS type, count(*)::float8 AS count
        FROM tracking_event e JOIN message m ON m.id = e.message_id
        WHERE m.run_id IN (SELECT id FROM run WHERE campaign_id = ${campaignId}) AND e.classification = 'human' AND e.type IN ('open', 'click')
        GROUP BY 1, 2 ORDER BY 1`,
    ]);
    const point = (r: { at: Date; count: number }): SeriesPoint => ({ at: new Date(r.at), count: r.count });
    return {
      sent: sent.map(point),
      opens: hits.filter((h) => h.type === 'open').map(point),
      clicks: hits.filter((h) => h.type === 'click').map(point),
    };
  }
}
