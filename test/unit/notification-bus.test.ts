import { describe, expect, it } from 'vitest';
import { notificationLine } from '../../src/console/notification-line.js';
import { NotificationBus } from '../../src/domain/notifications/notification-bus.js';
import { notifyingCampaignStore } from '../../src/domain/notifications/notifying-campaign-store.js';
import type { Campaign } from '../../src/domain/campaign/campaign.js';
import type { CampaignStore, TransitionResult } from '../../src/domain/ports/campaign-store.js';
import type { Notification } from '../../src/domain/ports/notifier.js';
import { FixedClock } from '../fakes/fixed-clock.js';

const AT = new Date('2026-03-29T07:00:00Z');
const approval = (id: number): Notification => ({ kind: 'approval.expired', approvalId: id, campaignId: 7, campaignName: 'Spring', requestedBy: 'U1', expiresAt: AT, at: AT });

describe('notification bus', () => {
  it('returns at once, delivers later in order to every subscriber, and a failing subscriber is logged, not thrown, nor stops the others', async () => {
    const logged: string[] = [];
    const bus = new NotificationBus((event, fields) => logged.push(`${event} ${String(fields.error)}`));
    const a: number[] = [];
    const b: number[] = [];
    bus.subscribe((n) => {
      if (n.kind === 'approval.expired' && n.approvalId === 2) throw new Error('listener broke');
      if (n.kind === 'approval.expired') a.push(n.approvalId);
    });
    // A slow subscriber does not hold the emitter, and still sees them in order.
    bus.subscribe(async (n) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (n.kind === 'approval.expired') b.push(n.approvalId);
    });
    for (const id of [1, 2, 3]) bus.notify(approval(id));
    expect([a, b]).toEqual([[], []]);
    await bus.settled();
    expect(a).toEqual([1, 3]);
    expect(b).toEqual([1, 2, 3]);
    expect(logged).toEqual(['notification.subscriber_failed listener broke']);
  });

  it('an unsubscribed listener hears nothing more', async () => {
    const bus = new NotificationBus(() => {});
    const heard: Notification[] = [];
    const off = bus.subscribe((n) => void heard.push(n));
    off();
    bus.notify(approval(1));
    await bus.settled();
    expect(heard).toEqual([]);
  });
});

describe('the notifying campaign store', () => {
  const campaign = { id: 7, name: 'Spring', status: 'suspended', statusReason: 'provider problem — smtp: 421', statusDetails: null } as unknown as Campaign;
  function store(result: TransitionResult): CampaignStore {
    return { transition: async () => result, get: async () => campaign } as unknown as CampaignStore;
  }
  it('tells a move once it is written, as a suspension alert when the system suspended; a refused or repeated request tells nothing', async () => {
    const bus = new NotificationBus(() => {});
    const heard: Notification[] = [];
    bus.subscribe((n) => void heard.push(n));
    const clock = new FixedClock(AT);
    const activity = { actor: 'system:delivery', reason: 'provider problem — smtp: 421', runId: 3 };
    await notifyingCampaignStore(store({ outcome: 'moved', campaign, from: 'sending' }), bus, clock).transition(7, { name: 'suspend' }, 'suspended', {}, activity);
    await notifyingCampaignStore(store({ outcome: 'repeat', campaign }), bus, clock).transition(7, { name: 'suspend' }, 'suspended', {}, activity);
    await notifyingCampaignStore(store({ outcome: 'refused', campaign }), bus, clock).transition(7, { name: 'suspend' }, 'suspended', {}, activity);
    // Reads pass through untouched.
    expect(await notifyingCampaignStore(store({ outcome: 'refused', campaign }), bus, clock).get(7)).toBe(campaign);
    await bus.settled();
    expect(heard).toEqual([
      { kind: 'campaign.suspended', campaignId: 7, campaignName: 'Spring', from: 'sending', to: 'suspended', transition: 'suspend', actor: 'system:delivery', reason: 'provider problem — smtp: 421', runId: 3, at: AT },
    ]);
    expect(notificationLine(heard[0]!, 'Europe/Berlin')).toBe(
      '[09:00:00] ALERT C-7 "Spring" was suspended (it was sending): provider problem — smtp: 421. Fix the cause, then /campaign resume C-7, or /campaign cancel C-7.',
    );
  });
});
