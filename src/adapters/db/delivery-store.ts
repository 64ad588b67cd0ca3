import type { Channel } from '../../domain/campaign/campaign.js';
import type { MessageStatus } from '../../domain/delivery/message-status.js';
import type {
  ActiveRun,
  ClaimedMessage,
  DeliveryStore,
  HandOver,
  LeaseRecovery,
  MessageFilter,
  MessageRow,
  RetrySelection,
  RunSnapshot,
  SettledOutcome,
} from '../../domain/ports/delivery-store.js';
import { messageCountsByStatus, utcTimestamp as ts } from './ledger-sql.js';
import { writeLedgerRound } from './ledger-write.js';
import { Prisma, type Db, type SqlPool } from './prisma-client.js';
import { isSuppressed } from './suppression-sql.js';


/** Statuses of messages that still have to go out. */
const PENDING = Prisma.sql`('queued', 'retrying')`;

/** The ledger in PostgreSQL: claims with SKIP LOCKED on a partial index, outcomes written per batch. */
export class PrismaDeliveryStore implements DeliveryStore {
  constructor(
    private readonly prisma: Db,
    /** The pool under `prisma`: the journal's writes go to `pg` directly. */
    private readonly pool: SqlPool,
  ) {}

  async dueForPrebuild(now: Date, leadMs: number): Promise<number[]> {
    const horizon = new Date(now.getTime() + leadMs);
    const rows = await this.prisma.$queryRaw<{ id: number }[]>`
      SELECT id FROM campaign
      WHERE status = 'scheduled' AND deleted_at IS NULL AND next_run_at IS NOT NULL AND next_run_at <= ${ts(horizon)}
      ORDER BY next_run_at, id`;
    return rows.map((r) => r.id);
  }

  async dueToStart(now: Date): Promise<{ runId: number; campaignId: number; scheduledFor: Date; campaignChangedAt: Date }[]> {
    return this.prisma.$queryRaw<{ runId: number; campaignId: number; scheduledFor: Date; campaignChangedAt: Date }[]>`
      SELECT r.id AS "runId", r.campaign_id AS "campaignId", r.scheduled_for AS "scheduledFor", c.updated_at AS "campaignChangedAt" FROM run r JOIN campaign c ON c.id = r.campaign_id
      WHERE r.status IN ('queued', 'sending') AND c.status = 'queued' AND r.scheduled_for <= ${ts(now)}
      ORDER BY r.scheduled_for, r.id`;
  }

  async markRunSending(runId: number, now: Date): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE run SET status = 'sending', started_at = coalesce(started_at, ${ts(now)}), window_attempts = 0, window_failures = 0
      WHERE id = ${runId} AND status = 'queued'`;
    return n === 1;
  }

  async activeRuns(channel: Channel): Promise<ActiveRun[]> {
    const rows = await this.prisma.$queryRaw<{ runId: number; campaignId: number; campaignName: string; channel: Channel; snapshot: unknown; ttl: number | null; tracking: boolean }[]>`
      SELECT r.id AS "runId", r.campaign_id AS "campaignId", c.name AS "campaignName", c.channel::text AS channel, r.snapshot, c.sms_ttl_seconds AS ttl, c.tracking
      FROM run r JOIN campaign c ON c.id = r.campaign_id
      WHERE r.status = 'sending' AND c.status = 'sending' AND c.channel = ${channel}
      ORDER BY r.started_at, r.id`;
    return rows.map((r) => ({ runId: r.runId, campaignId: r.campaignId, campaignName: r.campaignName, channel: r.channel, snapshot: r.snapshot as RunSnapshot, smsTtlSeconds: r.ttl, tracking: r.tracking }));
  }

  async claim(runId: number, owner: string, now: Date, leaseMs: number, limit: number): Promise<ClaimedMessage[]> {
    const until = new Date(now.getTime() + leaseMs);
    // The campaign must still be sending: pause, stop and cancel take effect at the next claim.
    const rows = await this.prisma.$queryRaw<(Omit<ClaimedMessage, 'id' | 'attributes'> & { id: bigint; attributes: Record<string, unknown> })[]>`
      WITH picked AS (
        SELECT m.id FROM message m
        WHERE m.run_id = ${runId} AND m.status IN ${PENDING} AND m.next_attempt_at <= ${ts(now)}
          AND EXISTS (SELECT 1 FROM run r JOIN campaign c ON c.id = r.campaign_id
                      WHERE r.id = ${runId} AND r.status = 'sending' AND c.status = 'sending')
        ORDER BY m.next_attempt_at, m.id
        LIMIT ${limit}
        FOR UPDATE OF m SKIP LOCKED
      ), claimed AS (
        UPDATE message m SET status = 'sending', lease_until = ${ts(until)}, lease_owner = ${owner}, handed_over_at = NULL,
               attempts = m.attempts + 1, updated_at = ${ts(now)}
        FROM picked WHERE m.id = picked.id
        RETURNING m.id, m.run_id, m.campaign_id, m.contact_id, m.recipient, m.variant, m.attempts
      )
      SELECT cl.id, cl.run_id AS "runId", cl.campaign_id AS "campaignId", cl.contact_id AS "contactId", cl.recipient,
             cl.variant, cl.attempts, ct.attributes, ct.email, ct.phone, ct.time_zone AS "timeZone",
             ${isSuppressed({ recipient: 'cl.recipient', contactId: 'cl.contact_id' })} AS suppressed
      FROM claimed cl JOIN contact ct ON ct.id = cl.contact_id
      ORDER BY cl.id`;
    return rows.map((r) => ({ ...r, id: r.id.toString(), attributes: stringAttributes(r.attributes) }));
  }

  writeLedger(now: Date, entries: { handOvers: HandOver[]; outcomes: SettledOutcome[] }): Promise<string[]> {
    return writeLedgerRound(this.pool, now, entries);
  }

  async errorWindow(runId: number): Promise<{ windowAttempts: number; windowFailures: number }> {
    const rows = await this.prisma.$queryRaw<{ windowAttempts: number; windowFailures: number }[]>`
      SELECT window_attempts AS "windowAttempts", window_failures AS "windowFailures" FROM run WHERE id = ${runId}`;
    return rows[0] ?? { windowAttempts: 0, windowFailures: 0 };
  }

  async resetErrorBudget(runId: number): Promise<void> {
    await this.prisma.$executeRaw`UPDATE run SET window_attempts = 0, window_failures = 0 WHERE id = ${runId}`;
  }

  async expireLeases(now: Date): Promise<LeaseRecovery> {
    return this.recoverLeases(Prisma.sql`lease_until < ${ts(now)}`, 'stopped', now);
  }

  async inFlightOwners(): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ owner: string }[]>`
      SELECT DISTINCT lease_owner AS owner FROM message WHERE status = 'sending' AND lease_until IS NOT NULL AND lease_owner IS NOT NULL`;
    return rows.map((r) => r.owner);
  }

  async expireLeasesOf(owner: string, now: Date): Promise<LeaseRecovery> {
    return this.recoverLeases(Prisma.sql`lease_owner = ${owner}`, 'died', now);
  }

  /**
   * Ends leases: a message handed over with no answer recorded may have been sent, so it becomes
   * `unknown`; one that was only claimed goes back where it was (queued, or retrying after a deferral)
   * with the attempt not counted, and is sent by whoever claims it next.
   */
  private async recoverLeases(which: Prisma.Sql, how: 'stopped' | 'died', now: Date): Promise<LeaseRecovery> {
    const rows = await this.prisma.$queryRaw<{ unknown: number; requeued: number }[]>`
      WITH ended AS (
        UPDATE message SET
          status = CASE WHEN handed_over_at IS NOT NULL THEN 'unknown'::"MessageStatus"
                        WHEN failure_category IS NOT NULL THEN 'retrying'::"MessageStatus"
                        ELSE 'queued'::"MessageStatus" END,
          failure_category = CASE WHEN handed_over_at IS NOT NULL THEN 'ambiguous' ELSE failure_category END,
          failure_reason = CASE WHEN handed_over_at IS NOT NULL
                                THEN 'the sender (' || coalesce(lease_owner, '?') || ') ' || ${how} || ' between handing it to the provider and recording the answer'
                                ELSE failure_reason END,
          attempts = CASE WHEN handed_over_at IS NOT NULL THEN attempts ELSE greatest(attempts - 1, 0) END,
          lease_owner = CASE WHEN handed_over_at IS NOT NULL THEN lease_owner ELSE NULL END,
          lease_until = NULL, updated_at = ${ts(now)}
        WHERE status = 'sending' AND lease_until IS NOT NULL AND ${which}
        RETURNING status
      )
      SELECT (count(*) FILTER (WHERE status = 'unknown'))::int AS unknown, (count(*) FILTER (WHERE status <> 'unknown'))::int AS requeued FROM ended`;
    return rows[0] ?? { unknown: 0, requeued: 0 };
  }

  async assumeDelivered(now: Date, timeoutMs: number): Promise<number> {
    const before = new Date(now.getTime() - timeoutMs);
    return this.prisma.$executeRaw`
      UPDATE message SET status = 'assumed_delivered', updated_at = ${ts(now)}
      WHERE status = 'sending' AND lease_until IS NULL AND channel = 'sms' AND sent_at <= ${ts(before)}`;
  }

  async closeHaltedRuns(now: Date): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE run SET status = c.status::text::"RunStatus", finished_at = ${ts(now)}
      FROM campaign c
      WHERE run.campaign_id = c.id AND run.status IN ('queued', 'sending', 'paused', 'suspended') AND c.status IN ('stopped', 'cancelled')`;
    // A prebuilt run whose send was skipped as overdue (--if-late skip): its campaign went back to
    // scheduled for the next run, so this one never starts.
    await this.prisma.$executeRaw`
      UPDATE run SET status = 'stopped', finished_at = ${ts(now)}
      FROM campaign c
      WHERE run.campaign_id = c.id AND run.status = 'queued' AND c.status = 'scheduled'`;
    // A crash between completing the campaign and its run leaves the run sending: finish it. Only
    // when nothing is left to send: a retry re-opens the run just before it re-opens the campaign.
    await this.prisma.$executeRaw`
      UPDATE run SET status = 'completed', finished_at = ${ts(now)}
      FROM campaign c
      WHERE run.campaign_id = c.id AND run.status = 'sending' AND c.status IN ('completed', 'scheduled')
        AND NOT EXISTS (SELECT 1 FROM message m WHERE m.run_id = run.id AND m.status IN ${PENDING})`;
  }

  async reopenedRunsOfCompletedCampaigns(): Promise<{ runId: number; campaignId: number }[]> {
    return this.prisma.$queryRaw<{ runId: number; campaignId: number }[]>`
      SELECT r.id AS "runId", r.campaign_id AS "campaignId" FROM run r JOIN campaign c ON c.id = r.campaign_id
      WHERE r.status = 'sending' AND c.status = 'completed'
        AND EXISTS (SELECT 1 FROM message m WHERE m.run_id = r.id AND m.status IN ${PENDING})`;
  }

  async finishedRuns(): Promise<{ runId: number; campaignId: number; number: number }[]> {
    return this.prisma.$queryRaw<{ runId: number; campaignId: number; number: number }[]>`
      SELECT r.id AS "runId", r.campaign_id AS "campaignId", r.number FROM run r JOIN campaign c ON c.id = r.campaign_id
      WHERE r.status = 'sending' AND c.status = 'sending'
        AND NOT EXISTS (SELECT 1 FROM message m WHERE m.run_id = r.id AND m.status IN ${PENDING})
        AND NOT EXISTS (SELECT 1 FROM message m WHERE m.run_id = r.id AND m.status = 'sending' AND m.lease_until IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM run r2 WHERE r2.campaign_id = r.campaign_id AND r2.id <> r.id AND r2.status = 'sending'
                          AND EXISTS (SELECT 1 FROM message m2 WHERE m2.run_id = r2.id
                                        AND (m2.status IN ${PENDING} OR (m2.status = 'sending' AND m2.lease_until IS NOT NULL))))
      ORDER BY r.campaign_id, r.number`;
  }

  async completeRun(runId: number, now: Date): Promise<boolean> {
    const n = await this.prisma.$executeRaw`UPDATE run SET status = 'completed', finished_at = ${ts(now)} WHERE id = ${runId} AND status = 'sending'`;
    return n === 1;
  }

  counts(campaignId: number, runId?: number): Promise<Record<string, number>> {
    return messageCountsByStatus(this.prisma, campaignId, runId);
  }

  async listMessages(filter: MessageFilter): Promise<{ items: MessageRow[]; total: number }> {
    const where = [Prisma.sql`r.campaign_id = ${filter.campaignId}`];
    if (filter.runNumber !== undefined) where.push(Prisma.sql`r.number = ${filter.runNumber}`);
    if (filter.status) where.push(Prisma.sql`m.status = ${filter.status}::"MessageStatus"`);
    if (filter.category) where.push(Prisma.sql`m.failure_category = ${filter.category}`);
    if (filter.search) {
      where.push(Prisma.sql`(strpos(lower(m.recipient), lower(${filter.search})) > 0 OR strpos(lower(coalesce(m.failure_reason, '')), lower(${filter.search})) > 0)`);
    }
    const cond = Prisma.join(where, ' AND ');
    const [rows, total] = await Promise.all([
      this.prisma.$queryRaw<RawMessageRow[]>`
        SELECT ${MESSAGE_COLUMNS} FROM message m JOIN run r ON r.id = m.run_id
        WHERE ${cond} ORDER BY m.id LIMIT ${filter.pageSize} OFFSET ${(filter.page - 1) * filter.pageSize}`,
      this.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM message m JOIN run r ON r.id = m.run_id WHERE ${cond}`,
    ]);
    return { items: rows.map(toMessageRow), total: total[0]?.n ?? 0 };
  }

  async otherSendingCampaign(campaignId: number, channel: Channel): Promise<number | null> {
    const rows = await this.prisma.$queryRaw<{ id: number }[]>`
      SELECT id FROM campaign WHERE status = 'sending' AND channel = ${channel} AND id <> ${campaignId} AND deleted_at IS NULL ORDER BY id LIMIT 1`;
    return rows[0]?.id ?? null;
  }

  async selectForRetry(campaignId: number, messageIds: string[] | 'all'): Promise<RetrySelection> {
    if (messageIds === 'all') {
      const rows = await this.prisma.$queryRaw<{ id: bigint; status: MessageStatus }[]>`
        SELECT m.id, m.status::text AS status FROM message m
        WHERE m.run_id IN (SELECT id FROM run WHERE campaign_id = ${campaignId}) AND m.status IN ('failed', 'unknown') ORDER BY m.id`;
      return { retryable: rows.map((r) => ({ id: r.id.toString(), status: r.status })), refused: [] };
    }
    const rows = await this.prisma.$queryRaw<{ id: bigint; status: MessageStatus; campaignId: number }[]>`
      SELECT m.id, m.status::text AS status, m.campaign_id AS "campaignId" FROM message m WHERE m.id = ANY(${messageIds}::bigint[])`;
    const byId = new Map(rows.map((r) => [r.id.toString(), r]));
    const selection: RetrySelection = { retryable: [], refused: [] };
    for (const id of messageIds) {
      const row = byId.get(id);
      if (!row || row.campaignId !== campaignId) selection.refused.push({ id, why: 'not a message of this campaign' });
      else if (row.status === 'opted_out') selection.refused.push({ id, why: 'the recipient opted out; opted-out messages are never retried' });
      else if (row.status !== 'failed' && row.status !== 'unknown') selection.refused.push({ id, why: `it is ${row.status}; only failed and unknown messages are retried` });
      else selection.retryable.push({ id, status: row.status });
    }
    return selection;
  }

  async requeue(campaignId: number, ids: string[], now: Date): Promise<{ requeued: number; optedOut: number; runIds: number[] }> {
    return this.prisma.$transaction(async (tx) => {
      const optedOut = await tx.$executeRaw`
        UPDATE message m SET status = 'opted_out', failure_category = NULL, failure_reason = 'on the suppression list at retry', updated_at = ${ts(now)}
        WHERE m.id = ANY(${ids}::bigint[]) AND m.campaign_id = ${campaignId} AND m.status IN ('failed', 'unknown')
          AND ${isSuppressed({ recipient: 'm.recipient', contactId: 'm.contact_id' })}`;
      const runs = await tx.$queryRaw<{ runId: number }[]>`
        UPDATE message m SET status = 'queued', failure_category = NULL, failure_reason = NULL, next_attempt_at = ${ts(now)},
               lease_until = NULL, lease_owner = NULL, handed_over_at = NULL, updated_at = ${ts(now)}
        WHERE m.id = ANY(${ids}::bigint[]) AND m.campaign_id = ${campaignId} AND m.status IN ('failed', 'unknown')
        RETURNING m.run_id AS "runId"`;
      const runIds = [...new Set(runs.map((r) => r.runId))];
      if (runIds.length) {
        await tx.$executeRaw`
          UPDATE run SET status = 'sending', finished_at = NULL, window_attempts = 0, window_failures = 0
          WHERE id = ANY(${runIds}::int[]) AND status IN ('completed', 'sending')`;
      }
      return { requeued: runs.length, optedOut, runIds };
    });
  }

  async findMessage(id: string): Promise<(MessageRow & { campaignId: number; contactId: number }) | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const rows = await this.prisma.$queryRaw<(RawMessageRow & { campaignId: number; contactId: number })[]>`
      SELECT ${MESSAGE_COLUMNS}, m.campaign_id AS "campaignId", m.contact_id AS "contactId"
      FROM message m JOIN run r ON r.id = m.run_id WHERE m.id = ${id}::bigint`;
    const row = rows[0];
    return row ? { ...toMessageRow(row), campaignId: row.campaignId, contactId: row.contactId } : null;
  }
}

const MESSAGE_COLUMNS = Prisma.sql`m.id, m.run_id AS "runId", r.number AS "runNumber", m.recipient, m.status::text AS status, m.variant,
  m.failure_category AS "failureCategory", m.failure_reason AS "failureReason", m.provider_message_id AS "providerMessageId",
  m.attempts, m.sms_segments AS "smsSegments", m.sent_at AS "sentAt", m.delivered_at AS "deliveredAt", m.updated_at AS "updatedAt",
  (m.lease_until IS NOT NULL) AS "inFlight"`;

type RawMessageRow = Omit<MessageRow, 'id'> & { id: bigint };

function toMessageRow(r: RawMessageRow): MessageRow {
  return { ...r, id: r.id.toString() };
}

function stringAttributes(value: Record<string, unknown> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value ?? {})) out[k] = v === null || v === undefined ? '' : String(v);
  return out;
}
