import pg from 'pg';
import { notificationFromJson, notificationToJson } from '../../domain/notifications/notification-json.js';
import { statusNotification } from '../../domain/notifications/notifying-campaign-store.js';
import type { StatusChangeOutbox } from '../../domain/ports/campaign-store.js';
import type { NotificationOutbox, OutboxEntry, RelaySession } from '../../domain/ports/notification-outbox.js';
import type { Notification } from '../../domain/ports/notifier.js';
import type { Prisma, SqlPool } from './prisma-client.js';

/**
 * Advisory-lock keys (two-int form: Herald's namespace, then the purpose). APPEND serialises the
 * appends of every process for the length of one insert, so ids commit in increasing order and a
 * reader that saw id n never later meets a smaller one committing. A consumer's relay lock (its name
 * hashed) is held by the session of the process relaying now.
 */
const LOCK_SPACE = 0x48524c44; // "HRLD"
const APPEND_LOCK = 1;
/** The channel an append notifies when it commits (the payload is empty: the relay reads the table). */
const CHANNEL = 'herald_outbox';

/** Timestamps are `timestamp` (UTC, no zone): written from ISO text, read as epoch milliseconds. */
const AT = (n: number) => `($${n}::timestamptz AT TIME ZONE 'UTC')`;

/** One appended row; the caller holds the append lock (see APPEND_LOCK) until it commits. */
const INSERT = `INSERT INTO notification_outbox (kind, payload, created_at) VALUES ($1, $2::jsonb, ${AT(3)})`;
const insertValues = (notification: Notification, at: Date) => [notification.kind, JSON.stringify(notificationToJson(notification)), at.toISOString()];

/**
 * Appends a notification inside the caller's transaction: the change it tells of and the row commit
 * together or not at all. Call it last before the commit: the append lock it takes (ids commit in
 * order across processes) is held until then, and every other append waits for it.
 */
export async function appendInTransaction(tx: Prisma.TransactionClient, notification: Notification, at: Date): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_SPACE}, ${APPEND_LOCK})`);
  await tx.$executeRawUnsafe(INSERT, ...insertValues(notification, at));
  await tx.$executeRawUnsafe(`NOTIFY ${CHANNEL}`);
}

/** The campaign store's outbox: a status change's notification, appended in the change's transaction. */
export const statusChangeOutbox: StatusChangeOutbox<Prisma.TransactionClient> = {
  async append(tx, change) {
    const notification = statusNotification(change.campaign, change.from, change.transition, change.activity, change.at);
    await appendInTransaction(tx, notification, change.at);
    return notification;
  },
};

/** A consumer with no cursor yet starts after the last row written so far. */
const START_AT_END = `INSERT INTO notification_cursor (consumer, last_id, updated_at) SELECT $1, coalesce(max(id), 0), ${AT(2)} FROM notification_outbox ON CONFLICT (consumer) DO NOTHING`;

/** The `notification_outbox` and `notification_cursor` tables, through `pg` (the relay lock needs its own session). */
export class PgNotificationOutbox implements NotificationOutbox {
  constructor(private readonly pool: SqlPool) {}

  async append(notification: Notification, at: Date): Promise<string> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => void (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, APPEND_LOCK]);
      const { rows } = await client.query<{ id: string }>(`${INSERT} RETURNING id`, insertValues(notification, at));
      // Delivered to the listeners at COMMIT, and only if it commits.
      await client.query(`NOTIFY ${CHANNEL}`);
      await client.query('COMMIT');
      return rows[0]!.id;
    } catch (error) {
      broken = error as Error;
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      // A broken client keeps the listener: it may still report its end after release.
      if (!broken) client.off('error', onError);
      client.release(broken);
    }
  }

  async startCursor(consumer: string, at: Date): Promise<void> {
    await this.pool.query(
      START_AT_END,
      [consumer, at.toISOString()],
    );
  }

  async withRelayLock<T>(consumer: string, relay: (session: RelaySession) => Promise<T>): Promise<T | null> {
    const client = await this.pool.connect();
    // A session that failed mid-way is destroyed, not pooled: its lock goes with it. A connection
    // the server cuts while checked out says so by an 'error' event, which must be listened to.
    let broken: Error | undefined;
    const onError = (error: Error) => void (broken = error);
    client.on('error', onError);
    try {
      // One lock per consumer (its name hashed into the second key).
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [LOCK_SPACE, `relay:${consumer}`]);
      if (!rows[0]?.locked) return null;
      try {
        return await relay(session(client, consumer));
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, `relay:${consumer}`]).catch((error: Error) => {
          broken = error;
        });
      }
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      // A broken client keeps the listener: it may still report its end after release.
      if (!broken) client.off('error', onError);
      client.release(broken);
    }
  }

  async listen(wake: () => void, lost: (error: Error) => void): Promise<{ close(): Promise<void> }> {
    // A client of its own, not one of the pool's: it stays connected for as long as the relay runs.
    const client = new pg.Client(this.pool.options);
    // `lost` is for a connection that was listening: a failure to start is the caller's error.
    let live = false;
    let closing = false;
    let ended: Error | null = null;
    const end = (error: Error) => {
      if (ended) return;
      ended = error;
      if (live && !closing) lost(error);
      client.end().catch(() => {});
    };
    client.on('error', end);
    client.on('end', () => end(new Error('the listening connection ended')));
    client.on('notification', (n) => {
      if (n.channel === CHANNEL) wake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      // Cut in the same read as the LISTEN's answer: a failure to start, not a listener.
      if (ended) throw ended;
      live = true;
    } catch (error) {
      closing = true;
      await client.end().catch(() => {});
      throw error;
    }
    return {
      async close() {
        closing = true;
        if (ended) return;
        ended = new Error('closed');
        await client.end().catch(() => {});
      },
    };
  }

  async prune(before: Date): Promise<number> {
    const result = await this.pool.query(`DELETE FROM notification_outbox WHERE created_at < ${AT(1)}`, [before.toISOString()]);
    return result.rowCount ?? 0;
  }
}

function session(client: pg.PoolClient, consumer: string): RelaySession {
  return {
    async cursor(at) {
      await client.query(
        START_AT_END,
        [consumer, at.toISOString()],
      );
      const { rows } = await client.query<{ last_id: string }>('SELECT last_id FROM notification_cursor WHERE consumer = $1', [consumer]);
      return rows[0]!.last_id;
    },
    async after(lastId, limit) {
      const { rows } = await client.query<{ id: string; kind: string; payload: unknown; created_ms: number }>(
        'SELECT id, kind, payload, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms FROM notification_outbox WHERE id > $1 ORDER BY id LIMIT $2',
        [lastId, limit],
      );
      return rows.map((r): OutboxEntry => ({ id: r.id, kind: r.kind, notification: notificationFromJson(r.payload), createdAt: new Date(r.created_ms) }));
    },
    async advance(id, at) {
      await client.query(`UPDATE notification_cursor SET last_id = $2, updated_at = ${AT(3)} WHERE consumer = $1 AND last_id < $2`, [consumer, id, at.toISOString()]);
    },
  };
}
