import type { Notification } from '../ports/notifier.js';

/** Notifications already in the outbox: written by the change they tell of, in its own transaction. */
const written = new WeakSet<Notification>();

/**
 * Marks a notification its change wrote to the notification outbox in the change's transaction (a
 * status change: the campaign store did), so the bus's outbox writer does not write it a second time.
 */
export function writtenWithChange(notification: Notification): Notification {
  written.add(notification);
  return notification;
}

export function isWrittenWithChange(notification: Notification): boolean {
  return written.has(notification);
}
