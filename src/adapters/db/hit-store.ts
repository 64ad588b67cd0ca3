import type { ClassifiedHit, HitStore } from '../../domain/ports/hit-store.js';
import type { PastHit } from '../../domain/tracking/classify-hit.js';
import { utcText } from './ledger-sql.js';
import type { Db, SqlPool } from './prisma-client.js';

/**
 * One statement per batch of hits: the raw rows, the firsts (a unique open or click counted once,
 * race-safe across replicas: only the insert that lands counts) and the run and link counts they add
 * up to. Count rows are upserted in key order, so concurrent batches lock them in the same order.
 */
const WRITE_HITS = `
  WITH src AS (
    SELECT v.*, m.run_id, coalesce(m.variant, '') AS variant
    FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
      AS v(mid, link, type, at, method, ip, ua, class, reason)
    JOIN message m ON m.id = v.mid
    WHERE v.link IS NULL OR EXISTS (SELECT 1 FROM link l WHERE l.id = v.link AND l.campaign_id = m.campaign_id)
  ), ins AS (
    INSERT INTO tracking_event (message_id, link_id, type, occurred_at, method, ip, user_agent, classification, reason)
    SELECT mid, link, type::"TrackingEventType", timestamp 'epoch' + at * interval '1 millisecond', method, ip, ua, class::"HitClass", reason FROM src
    RETURNING 1
  ), firsts AS (
    INSERT INTO tracking_first (message_id, kind)
    SELECT mid, type FROM src WHERE class = 'human'
    UNION
    SELECT mid, 'link:' || link FROM src WHERE class = 'human' AND type = 'click'
    ON CONFLICT DO NOTHING
    RETURNING message_id, kind
  ), metrics AS (
    SELECT run_id, variant, type || ':' || class AS metric, count(*) AS n FROM src GROUP BY 1, 2, 3
    UNION ALL
    SELECT run_id, variant, 'reason:' || type || ':' || reason, count(*) FROM src WHERE reason IS NOT NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT m.run_id, coalesce(m.variant, ''), f.kind || ':human:unique', count(*)
    FROM firsts f JOIN message m ON m.id = f.message_id WHERE f.kind IN ('open', 'click') GROUP BY 1, 2, 3
  ), counted AS (
    INSERT INTO run_event_count (run_id, variant, metric, count)
    SELECT run_id, variant, metric, sum(n) FROM metrics GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (run_id, variant, metric) DO UPDATE SET count = run_event_count.count + excluded.count
    RETURNING 1
  ), linked AS (
    INSERT INTO link_click_count (link_id, total, "unique")
    SELECT l, sum(t), sum(u) FROM (
      SELECT link AS l, count(*) AS t, 0 AS u FROM src WHERE type = 'click' AND class = 'human' GROUP BY link
      UNION ALL
      SELECT substr(kind, 6)::int, 0, count(*) FROM firsts WHERE kind LIKE 'link:%' GROUP BY 1
    ) x GROUP BY l ORDER BY l
    ON CONFLICT (link_id) DO UPDATE SET total = link_click_count.total + excluded.total, "unique" = link_click_count."unique" + excluded."unique"
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM ins)::int AS written`;

export class PrismaHitStore implements HitStore {
  constructor(
    private readonly prisma: Db,
    private readonly pool: SqlPool,
  ) {}

  async history(messageIds: readonly string[], withHits: ReadonlySet<string>, from: Date, to: Date): Promise<Map<string, { deliveredAt: Date | null; hits: PastHit[] }>> {
    const ids = messageIds.filter((id) => /^[1-9][0-9]{0,17}$/.test(id));
    const out = new Map<string, { deliveredAt: Date | null; hits: PastHit[] }>();
    if (!ids.length) return out;
    // The first open (the click-before-open rule) and the clicks near the batch (the all-links rule):
    // a message opened ten thousand times is not read whole for every hit.
    if (withHits.size === 0) {
      // Opens only (every pixel batch): their rules need the delivery time alone. Read with pg as a
      // prepared statement, the time as epoch milliseconds (no timestamp parsing, no zone question).
      const { rows } = await this.pool.query<{ id: string; delivered: number | null }>({
        name: 'herald_hit_delivery_times',
        text: 'SELECT m.id::text AS id, (extract(epoch FROM coalesce(m.delivered_at, m.sent_at)) * 1000)::float8 AS delivered FROM message m WHERE m.id = ANY($1::bigint[])',
        values: [ids],
      });
      for (const r of rows) out.set(r.id, { deliveredAt: r.delivered === null ? null : new Date(r.delivered), hits: [] });
      return out;
    }
    const clicked = [...withHits];
    const rows = await this.prisma.$queryRaw<{ id: string; delivered: Date | null; type: 'open' | 'click' | null; at: Date | null; link: number | null }[]>`
      SELECT m.id::text AS id, coalesce(m.delivered_at, m.sent_at) AS delivered, h.type, h.at, h.link
      FROM message m
      LEFT JOIN LATERAL (
        (SELECT 'open'::text AS type, e.occurred_at AS at, NULL::int AS link FROM tracking_event e
          WHERE e.message_id = m.id AND e.type = 'open' AND m.id = ANY(${clicked}::bigint[]) ORDER BY e.occurred_at LIMIT 1)
        UNION ALL
        (SELECT 'click', e.occurred_at, e.link_id FROM tracking_event e
          WHERE e.message_id = m.id AND e.type = 'click' AND m.id = ANY(${clicked}::bigint[]) AND e.occurred_at BETWEEN ${utcText(from)}::timestamp AND ${utcText(to)}::timestamp
          ORDER BY e.occurred_at LIMIT 500)
      ) h ON true
      WHERE m.id = ANY(${ids}::bigint[])`;
    for (const r of rows) {
      const entry = out.get(r.id) ?? { deliveredAt: r.delivered, hits: [] };
      if (r.type && r.at) entry.hits.push({ kind: r.type, at: r.at, linkId: r.link });
      out.set(r.id, entry);
    }
    return out;
  }

  async write(hits: readonly ClassifiedHit[]): Promise<void> {
    if (!hits.length) return;
    const col = <T>(f: (h: ClassifiedHit) => T) => hits.map(f);
    await this.pool.query({
      name: 'herald_write_hits',
      text: WRITE_HITS,
      values: [
        col((h) => h.messageId),
        col((h) => h.linkId),
        col((h) => h.kind),
        col((h) => h.at.getTime()),
        col((h) => h.method.toUpperCase().slice(0, 16)),
        col((h) => h.storedIp),
        col((h) => h.userAgent?.slice(0, 512) ?? null),
        col((h) => h.classification),
        col((h) => h.reason),
      ],
    });
  }
}
