import type { QueueDepthRow } from '../metrics/herald-metrics.js';
import type { Db } from './prisma-client.js';

/**
 * Messages waiting or in flight, by channel and status. Each half repeats the predicate of a partial
 * index (`message_claimable_idx`, `message_in_flight_idx`), so PostgreSQL reads only the queue,
 * never the delivered history: cheap enough to run at every /metrics scrape on a ledger of millions.
 */
export async function queueDepth(prisma: Db): Promise<QueueDepthRow[]> {
  const rows = await prisma.$queryRaw<{ channel: string; status: QueueDepthRow['status']; count: number }[]>`
    SELECT channel, status::text AS status, count(*)::int AS count FROM message
     WHERE status = ANY (ARRAY['queued'::"MessageStatus", 'retrying'::"MessageStatus"])
     GROUP BY channel, status
    UNION ALL
    SELECT channel, 'sending' AS status, count(*)::int AS count FROM message
     WHERE status = 'sending'
     GROUP BY channel`;
  return rows;
}
