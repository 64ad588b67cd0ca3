import type { Notification, NotificationKind } from '../ports/notifier.js';

/** Every kind this Herald knows (a row of another kind, from a newer version, is not read as one). */
const KINDS: Record<NotificationKind, true> = {
  'campaign.status_changed': true,
  'campaign.suspended': true,
  'campaign.launch_failed': true,
  'campaign.overdue': true,
  'approval.requested': true,
  'approval.decided': true,
  'approval.expired': true,
  'delivery.unknown': true,
  'digest.ready': true,
};

/** The keys whose values are dates in some notification: JSON carries them as ISO strings. */
type DateKeys<N> = N extends unknown ? { [K in keyof N]-?: Date extends N[K] ? K : N[K] extends Date ? K : never }[keyof N] : never;
const DATE_KEYS = ['at', 'dueAt', 'nextRunAt', 'expiresAt'] as const satisfies readonly DateKeys<Notification>[];
// Every date key is listed: a new one added to a notification fails to compile here.
type Missing = Exclude<DateKeys<Notification>, (typeof DATE_KEYS)[number]>;
const allListed: [Missing] extends [never] ? true : Missing = true;
void allListed;

/** A notification as JSON for the outbox (dates as ISO strings). */
export function notificationToJson(notification: Notification): Record<string, unknown> {
  return JSON.parse(JSON.stringify(notification)) as Record<string, unknown>;
}

/**
 * A notification read back from the outbox, its dates revived; null when it is not one this Herald
 * knows (an unknown kind, a date that does not parse).
 */
export function notificationFromJson(value: unknown): Notification | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  if (typeof raw.kind !== 'string' || !Object.hasOwn(KINDS, raw.kind)) return null;
  const out: Record<string, unknown> = { ...raw };
  for (const key of DATE_KEYS) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    const date = typeof v === 'string' ? new Date(v) : null;
    if (!date || Number.isNaN(date.getTime())) return null;
    out[key] = date;
  }
  if (!(out.at instanceof Date)) return null;
  return out as unknown as Notification;
}
