import type { HandOver, MessageOutcome, SettledOutcome } from '../../domain/ports/delivery-store.js';
import { utcText } from './ledger-sql.js';
import type { SqlPool } from './prisma-client.js';

/**
 * The delivery journal's one statement: outcomes (where their owner still holds the message; a late
 * answer also replaces `unknown`: the truth beats a guess), the runs' error-budget counters, and the
 * hand-overs. One statement is one atomic write and one round trip; its parts touch different rows (a
 * message is handed over, then settled in a later write). Sent to `pg` directly as a named prepared
 * statement: it runs once or twice per message sent.
 */
const WRITE_LEDGER = `
  WITH outcome AS (
    UPDATE message m SET
      status = v.status::"MessageStatus",
      provider_message_id = coalesce(v.pid, m.provider_message_id),
      failure_category = v.category,
      failure_reason = v.reason,
      next_attempt_at = coalesce(v.next::timestamp, m.next_attempt_at),
      lease_until = NULL,
      handed_over_at = CASE WHEN v.status IN ('queued', 'retrying') THEN NULL ELSE m.handed_over_at END,
      sent_at = CASE WHEN v.sent THEN $1::timestamp ELSE m.sent_at END,
      delivered_at = CASE WHEN v.status = 'delivered' THEN $1::timestamp ELSE m.delivered_at END,
      sms_segments = coalesce(v.segments, m.sms_segments),
      cost_micros = coalesce(v.cost, m.cost_micros),
      attempts = CASE WHEN v.uncount THEN greatest(m.attempts - 1, 0) ELSE m.attempts END,
      updated_at = $1::timestamp
    FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::int[], $11::bigint[], $12::boolean[])
      AS v(id, owner, status, pid, category, reason, next, sent, segments, cost, uncount)
    WHERE m.id = v.id AND m.lease_owner = v.owner AND m.status IN ('sending', 'unknown')
    RETURNING m.id
  ), budget AS (
    UPDATE run SET window_attempts = window_attempts + b.attempts, window_failures = window_failures + b.failures
    FROM unnest($13::int[], $14::int[], $15::int[]) AS b(id, attempts, failures)
    WHERE run.id = b.id
    RETURNING run.id
  ), handed AS (
    UPDATE message m SET handed_over_at = $1::timestamp, updated_at = $1::timestamp
    FROM unnest($16::bigint[], $17::text[]) AS h(id, owner)
    WHERE m.id = h.id AND m.lease_owner = h.owner AND m.status = 'sending' AND m.lease_until IS NOT NULL AND m.handed_over_at IS NULL
    RETURNING m.id
  )
  SELECT id::text FROM handed`;

/** Writes one round of the journal; returns the ids handed over. */
export async function writeLedgerRound(pool: SqlPool, now: Date, entries: { handOvers: HandOver[]; outcomes: SettledOutcome[] }): Promise<string[]> {
  const outcomes = entries.outcomes.map((e) => e.outcome);
  const col = <T>(f: (o: MessageOutcome) => T) => outcomes.map(f);
  const budget = new Map<number, { attempts: number; failures: number }>();
  for (const { runId, outcome: o } of entries.outcomes) {
    const b = budget.get(runId) ?? { attempts: 0, failures: 0 };
    if (!o.notAnAttempt && o.status !== 'queued') b.attempts += 1;
    if (o.countsAsFailure) b.failures += 1;
    budget.set(runId, b);
  }
  const runs = [...budget.entries()].filter(([, b]) => b.attempts > 0 || b.failures > 0);
  const result = await pool.query<{ id: string }>({
    name: 'herald_write_ledger',
    text: WRITE_LEDGER,
    values: [
      utcText(now),
      col((o) => o.id),
      entries.outcomes.map((e) => e.owner),
      col((o) => o.status),
      col((o) => o.providerMessageId ?? null),
      col((o) => o.category ?? null),
      col((o) => o.reason ?? null),
      col((o) => (o.nextAttemptAt ? utcText(o.nextAttemptAt) : null)),
      col((o) => o.sent === true),
      col((o) => o.segments ?? null),
      col((o) => (o.costMicros == null ? null : String(o.costMicros))),
      col((o) => o.notAnAttempt === true),
      runs.map(([id]) => id),
      runs.map(([, b]) => b.attempts),
      runs.map(([, b]) => b.failures),
      entries.handOvers.map((h) => h.id),
      entries.handOvers.map((h) => h.owner),
    ],
  });
  return result.rows.map((r) => r.id);
}
