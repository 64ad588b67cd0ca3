import { describe, expect, it } from 'vitest';
import { notificationFromJson, notificationToJson } from '../../src/domain/notifications/notification-json.js';
import type { Notification } from '../../src/domain/ports/notifier.js';

const AT = new Date('2026-11-22T10:00:00.123Z');

describe('notifications as the outbox stores them', () => {
  it('round-trips every date field as a Date, and keeps strings that look like dates as strings', () => {
    const overdue: Notification = { kind: 'campaign.overdue', campaignId: 7, campaignName: '2026-11-22T10:00:00.000Z', dueAt: new Date(AT.getTime() - 60_000), policy: 'skip', outcome: 'skipped', nextRunAt: null, at: AT };
    const back = notificationFromJson(JSON.parse(JSON.stringify(notificationToJson(overdue))));
    expect(back).toEqual(overdue);
    expect((back as { dueAt: Date }).dueAt).toBeInstanceOf(Date);
    expect((back as { campaignName: unknown }).campaignName).toBe('2026-11-22T10:00:00.000Z');
    const requested: Notification = { kind: 'approval.requested', approvalId: 1, campaignId: 7, campaignName: 'x', requestedBy: 'UMARK', reason: null, expiresAt: new Date(AT.getTime() + 1000), at: AT };
    expect(notificationFromJson(notificationToJson(requested))).toEqual(requested);
  });

  it('a kind this version does not know, or a date that does not parse, is not read as a notification', () => {
    expect(notificationFromJson({ kind: 'campaign.renamed', at: AT.toISOString() })).toBeNull();
    expect(notificationFromJson({ kind: 'delivery.unknown', count: 1, why: 'process_died', owner: null, at: 'yesterday' })).toBeNull();
    expect(notificationFromJson({ kind: 'delivery.unknown', count: 1, why: 'process_died', owner: null })).toBeNull();
    expect(notificationFromJson(null)).toBeNull();
    expect(notificationFromJson([])).toBeNull();
  });
});
