import type { HourActivityRow, PeriodActivityStore } from '../../domain/ports/period-activity.js';
import { utcTimestamp } from './ledger-sql.js';
import type { Db } from './prisma-client.js';

/**
 * The daily digest's reads: messages sent and tracking hits within a period, by campaign and hour
 * from the period's start. Both are range reads on a time column with a BRIN index
 * (message_sent_at_brin, tracking_event_occurred_at_brin), so a day costs the day's rows whatever
 * the size of the ledger. Hours are counted from the period's start (a zone's midnight), so they are
 * the zone's hours on either side of a DST change.
 */
export class PrismaPeriodActivityStore implements PeriodActivityStore {
  constructor(private readonly prisma: Db) {}

  async hoursIn(from: Date, to: Date): Promise<HourActivityRow[]> {
    await this.summarize();
    const start = utcTimestamp(from);
    const end = utcTimestamp(to);
    const [sent, hits] = await Promise.all([
      this.prisma.$queryRaw<{ campaignId: number; hour: number; count: number }[]>`
        SELECT m.campaign_id AS "campaignId", floor(extract(epoch FROM m.sent_at - ${start}) / 3600)::int AS hour, count(*)::float8 AS count
        FROM message m
        WHERE m.sent_at >= ${start} AND m.sent_at < ${end}
        GROUP BY 1, 2`,
      this.prisma.$queryRaw<{ campaignId: number; hour: number; type: string; count: number }[]>`
        SELECT m.campaign_id AS "campaignId", floor(extract(epoch FROM e.occurred_at - ${start}) / 3600)::int AS hour, e.type::text AS type, count(*)::float8 AS count
        FROM tracking_event e JOIN message m ON m.id = e.message_id
        WHERE e.occurred_at >= ${start} AND e.occurred_at < ${end} AND e.classification = 'human'
        GROUP BY 1, 2, 3`,
    ]);
    const rows = new Map<string, HourActivityRow>();
    const row = (campaignId: number, hour: number) => {
      const key = `${campaignId}:${hour}`;
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { campaignId, hour, sent: 0, opens: 0, clicks: 0, unsubscribes: 0 }));
      return r;
    };
    for (const s of sent) row(s.campaignId, s.hour).sent += s.count;
    for (const h of hits) {
      const r = row(h.campaignId, h.hour);
      if (h.type === 'open') r.opens += h.count;
      else if (h.type === 'click') r.clicks += h.count;
      else if (h.type === 'unsubscribe') r.unsubscribes += h.count;
    }
    return [...rows.values()].sort((a, b) => a.campaignId - b.campaignId || a.hour - b.hour);
  }

  /**
   * A BRIN index skips only the page ranges it has summarised, and PostgreSQL summarises new ranges
   * only when (auto)vacuum gets to them: pages written since would all be read. So the digest first
   * summarises what was written since the last time (about a day's pages), which costs about one
   * read of them. Best effort: a database user that does not own the indexes reads more pages instead.
   */
  private async summarize(): Promise<void> {
    try {
      await this.prisma.$queryRaw`SELECT brin_summarize_new_values('message_sent_at_brin'::regclass), brin_summarize_new_values('tracking_event_occurred_at_brin'::regclass)`;
    } catch {
      // Not the owner (or a read-only replica): the reads below still answer, over more pages.
    }
  }
}
