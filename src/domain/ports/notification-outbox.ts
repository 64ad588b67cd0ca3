import type { Notification } from './notifier.js';

/** One stored notification: its place in the outbox (ids increase in the order they were written) and when. */
export interface OutboxEntry {
  id: string;
  /** null when the row cannot be read as a notification (a newer Herald's kind): the relay skips it. */
  notification: Notification | null;
  kind: string;
  createdAt: Date;
}

/** What the relay does while it holds a consumer's relay lock: read after the cursor, move it. */
export interface RelaySession {
  /** The consumer's cursor (the last id handed on); a consumer with none starts at the current end. */
  cursor(at: Date): Promise<string>;
  /** Up to `limit` entries after `lastId`, in id order. */
  after(lastId: string, limit: number): Promise<OutboxEntry[]>;
  /** Moves the cursor to `id` (through the lock's own session: a holder that lost it can move nothing). */
  advance(id: string, at: Date): Promise<void>;
}

/**
 * The notification outbox (`notification_outbox`, `notification_cursor`): every process appends what
 * it notifies; a process with Slack relays the rows to its subscribers. Appends commit in id order
 * (one at a time across processes), so a reader never passes a row that commits later.
 */
export interface NotificationOutbox {
  append(notification: Notification, at: Date): Promise<string>;
  /** A consumer with no cursor starts at the current end (never replays history); one with a cursor keeps it. */
  startCursor(consumer: string, at: Date): Promise<void>;
  /**
   * Runs `relay` holding the consumer's relay lock (a PostgreSQL advisory lock held by the session
   * that moves the cursor: released when it ends, or its process dies); null, without running it,
   * when another process holds it now.
   */
  withRelayLock<T>(consumer: string, relay: (session: RelaySession) => Promise<T>): Promise<T | null>;
  /**
   * Calls `wake` each time an append commits, in any process (PostgreSQL LISTEN/NOTIFY, on a
   * connection of its own), so a relay hears another process's notification at once instead of at
   * its next poll. Resolves once listening. A connection that ends is reported to `lost` once, and
   * listens no more (the relay's poll goes on and listens again).
   */
  listen(wake: () => void, lost: (error: Error) => void): Promise<{ close(): Promise<void> }>;
  /** Deletes the rows written before `before`; answers how many. */
  prune(before: Date): Promise<number>;
}
