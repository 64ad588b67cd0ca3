import type { UnsubscribeRecorder } from '../../domain/ports/unsubscribe-recorder.js';
import { utcTimestamp } from './ledger-sql.js';
import type { Db } from './prisma-client.js';
import { suppressionAddress } from './suppression-store.js';

/**
 * Unsubscribes from a message's link in one transaction: the message row is locked first, so two
 * clicks at once (mail scanners love to do that) record one tracking event, not two.
 */
export class PrismaUnsubscribeStore implements UnsubscribeRecorder {
  constructor(private readonly prisma: Db) {}

  async unsubscribeMessage(
    messageId: bigint | string,
    at: Date,
    meta: { ip?: string | null; userAgent?: string | null },
  ): Promise<{ recipient: string; alreadySuppressed: boolean } | null> {
    let id: bigint;
    try {
      id = BigInt(messageId);
    } catch {
      return null;
    }
    if (id <= 0n || id > 9_223_372_036_854_775_807n) return null;
    // The caller's clock time (the route's injected clock), never the database's `now()`.
    const when = utcTimestamp(at);

    const [rows, added] = await this.prisma.$transaction([
      this.prisma.$queryRaw<{ recipient: string }[]>`SELECT recipient FROM message WHERE id = ${id} FOR UPDATE`,
      this.prisma.$executeRaw`
        INSERT INTO suppression (address, contact_id, reason, source, created_at)
        SELECT CASE WHEN position('@' in m.recipient) > 0 THEN lower(m.recipient) ELSE m.recipient END,
               m.contact_id, 'unsubscribe', 'list-unsubscribe', ${when}
        FROM message m WHERE m.id = ${id}
        ON CONFLICT (address) DO NOTHING`,
      // The event and its count (the unsubscribe rate reads run_event_count) in one statement.
      this.prisma.$executeRaw`
        WITH e AS (
          INSERT INTO tracking_event (message_id, type, occurred_at, ip, user_agent)
          SELECT m.id, 'unsubscribe', ${when}, ${meta.ip ?? null}, ${meta.userAgent ?? null}
          FROM message m
          WHERE m.id = ${id}
            AND NOT EXISTS (SELECT 1 FROM tracking_event e WHERE e.message_id = m.id AND e.type = 'unsubscribe')
          RETURNING message_id
        )
        INSERT INTO run_event_count (run_id, variant, metric, count)
        SELECT m.run_id, coalesce(m.variant, ''), 'unsubscribe', count(*) FROM e JOIN message m ON m.id = e.message_id GROUP BY 1, 2
        ON CONFLICT (run_id, variant, metric) DO UPDATE SET count = run_event_count.count + excluded.count`,
    ]);
    const row = rows[0];
    if (!row) return null;
    return { recipient: suppressionAddress(row.recipient), alreadySuppressed: added === 0 };
  }
}
