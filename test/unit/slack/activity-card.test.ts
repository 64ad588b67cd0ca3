import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../src/domain/campaign/campaign.js';
import { CAMPAIGN_STATUSES } from '../../../src/domain/campaign/campaign-status.js';
import { MESSAGE_STATUSES } from '../../../src/domain/delivery/message-status.js';
import { activityCardMessage, activityEntryMessage, headline, progressBar, progressOf } from '../../../src/slack/blocks/activity-card.js';
import { assertPostable } from '../../support/block-kit-limits.js';

const at = new Date('2026-11-22T10:00:00Z');
function campaign(over: Partial<Campaign> = {}): Campaign {
  return {
    id: 1042, name: 'Winter sale', description: '', tags: [], channel: 'email', status: 'sending', resumeTo: null, statusReason: null, statusDetails: null,
    launchType: 'now', sendAt: null, timeZone: 'UTC', cron: null, nextRunAt: null, ifLate: 'send_late', templateId: 1, listId: 1, includeSegmentIds: [], excludeSegmentIds: [],
    oneTimeFilter: null, smsTtlSeconds: null, tracking: true, variants: [], createdBy: 'U1', createdAt: at, updatedAt: at, clonedFromId: null, version: 1, ...over,
  };
}

describe('the live activity card', () => {
  it('shows progress, counts, rate and ETA while sending, and calls out failed and unknown', () => {
    const counts = { delivered: 600, queued: 390, failed: 8, unknown: 2 };
    expect(progressOf(counts)).toEqual({ total: 1000, done: 610 });
    const m = activityCardMessage({ campaign: campaign(), counts, progress: { ...progressOf(counts), ratePerSecond: 10 }, at, zone: 'UTC' });
    const shown = JSON.stringify(m.blocks);
    expect(shown).toContain(progressBar(610, 1000));
    expect(shown).toContain('610 of 1,000 done');
    expect(shown).toContain('10.0 messages/s');
    // 390 left at 10/s: 39 s after the card's time.
    expect(shown).toContain('10:00:39 UTC (39 s left)');
    expect(shown).toMatch(/8 failed, 2 unknown\..*--status unknown/);
    expect(m.text).toBe('C-1042 "Winter sale": sending, 610 of 1,000 done');
    assertPostable(m);
  });

  it('stays within Block Kit limits in every status, with the longest name and every message status', () => {
    const counts = Object.fromEntries(MESSAGE_STATUSES.map((s, i) => [s, 10_000_000 + i]));
    for (const status of CAMPAIGN_STATUSES) {
      const c = campaign({ status, name: 'N'.repeat(300), statusReason: status === 'suspended' ? 'R'.repeat(5000) : null });
      const m = activityCardMessage({ campaign: c, counts, progress: { ...progressOf(counts), ratePerSecond: null }, at, zone: 'Europe/Berlin' });
      assertPostable(m);
      // Every status with messages is counted on the card, even past one section's ten fields.
      for (const s of MESSAGE_STATUSES) expect(JSON.stringify(m.blocks)).toContain(`*${s}*`);
      assertPostable(activityCardMessage({ campaign: c, counts: {}, progress: { total: 0, done: 0, ratePerSecond: null }, at, zone: 'UTC' }));
    }
  });

  it('a reply names who did what and why; a finished send carries its headline figures', () => {
    const paused = activityEntryMessage(
      { id: '7', campaignId: 1042, runId: 3, actor: 'UMARK', action: 'pause', fromStatus: 'sending', toStatus: 'paused', transition: 'pause', reason: 'wrong <link>', detail: null, createdAt: at },
      { zone: 'UTC' },
    );
    expect(paused.text).toBe('UMARK paused it (sending → paused) — wrong <link>');
    expect(JSON.stringify(paused.blocks)).toContain('<@UMARK> paused it');
    expect(JSON.stringify(paused.blocks)).toContain('wrong &lt;link&gt;');
    const done = activityEntryMessage(
      { id: '8', campaignId: 1042, runId: 3, actor: 'system:delivery', action: 'complete', fromStatus: 'sending', toStatus: 'completed', transition: 'complete', reason: null, detail: null, createdAt: at },
      { zone: 'UTC', counts: { delivered: 98, failed: 2 } },
    );
    expect(done.text).toBe('Herald finished sending (sending → completed)');
    expect(JSON.stringify(done.blocks)).toContain(headline({ delivered: 98, failed: 2 }));
    expect(headline({ delivered: 98, failed: 2 })).toBe('*Finished:* 100 messages — 98 delivered (98%), 2 failed.');
    const long = activityEntryMessage(
      { id: '9', campaignId: 1042, runId: null, actor: 'x'.repeat(500), action: 'suspend', fromStatus: 'sending', toStatus: 'suspended', transition: 'suspend', reason: 'r'.repeat(9000), detail: { note: 'd'.repeat(9000) }, createdAt: at },
      { zone: 'UTC' },
    );
    assertPostable(long);
  });
});
