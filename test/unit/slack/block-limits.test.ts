import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/commands/reply.js';
import type { Campaign } from '../../../src/domain/campaign/campaign.js';
import { ACTIONS_BY_STATUS, CAMPAIGN_STATUSES } from '../../../src/domain/campaign/campaign-status.js';
import { alertMessage } from '../../../src/slack/blocks/alert-message.js';
import { headlineFigures } from '../../../src/domain/metrics/campaign-metrics.js';
import { appHomeView } from '../../../src/slack/blocks/app-home.js';
import { campaignCardMessage } from '../../../src/slack/blocks/campaign-card.js';
import { campaignFormView } from '../../../src/slack/blocks/modals/campaign-form.js';
import { cancelConfirmView } from '../../../src/slack/blocks/modals/cancel-confirm.js';
import { decodeMetadata, encodeMetadata } from '../../../src/slack/blocks/modals/modal-kit.js';
import { retryConfirmView } from '../../../src/slack/blocks/modals/retry-confirm.js';
import { scheduleFormView } from '../../../src/slack/blocks/modals/schedule-form.js';
import { replyToMessage } from '../../../src/slack/blocks/reply-blocks.js';
import { assertWithinLimits } from '../../support/block-kit-limits.js';

const bigTable = (rows: number): Reply => ({
  ok: true,
  text: `Campaigns: ${rows}`,
  visibility: 'ephemeral',
  blocks: [
    { type: 'header', text: 'H'.repeat(400) },
    { type: 'table', columns: ['ID', 'Name', 'Status'], rows: Array.from({ length: rows }, (_, i) => [`C-${i}`, `Campaign with a long name number ${i} `.repeat(3), 'draft']) },
    { type: 'context', text: 'page 1 of 9 · next: /campaign list --page 2' },
  ],
});

function campaign(over: Partial<Campaign> = {}): Campaign {
  const now = new Date('2026-11-22T10:00:00Z');
  return {
    id: 1042, name: 'N'.repeat(300), description: '', tags: [], channel: 'email', status: 'draft', resumeTo: null, statusReason: null, statusDetails: null,
    launchType: 'scheduled', sendAt: now, timeZone: 'UTC', cron: null, nextRunAt: null, ifLate: 'send_late', templateId: null, listId: null, includeSegmentIds: [], excludeSegmentIds: [],
    oneTimeFilter: null, smsTtlSeconds: null, tracking: true, variants: [], createdBy: 'U1', createdAt: now, updatedAt: now, clonedFromId: null, version: 1, ...over,
  };
}

describe('Block Kit builders respect Slack limits', () => {
  it('a reply with a huge table stays under 50 blocks and 3,000 characters per section, saying how many rows were left out', () => {
    const m = replyToMessage(bigTable(5000));
    assertWithinLimits(m.blocks, 50);
    const texts = JSON.stringify(m.blocks);
    expect(texts).toMatch(/more rows not shown/);
    expect(texts).toContain('--page 2');
    expect(m.text).toBe('Campaigns: 5000');
  });

  it('a small table is one monospace section', () => {
    const m = replyToMessage(bigTable(3));
    expect(m.blocks).toHaveLength(3);
    expect((m.blocks[1] as any).text.text.startsWith('```')).toBe(true);
  });

  it('splits more than 10 fields and escapes Slack control characters', () => {
    const fields = Array.from({ length: 23 }, (_, i) => [`<f${i}>`, 'x'.repeat(2500)] as [string, string]);
    const m = replyToMessage({ ok: true, text: 't', visibility: 'ephemeral', blocks: [{ type: 'fields', fields }, { type: 'text', text: 'y'.repeat(9000) }] });
    assertWithinLimits(m.blocks, 50);
    expect(m.blocks.filter((b) => (b as any).fields)).toHaveLength(3);
    expect(JSON.stringify(m.blocks)).toContain('&lt;f0&gt;');
  });

  it('the card offers only what each status allows, under 50 blocks with the buttons last', () => {
    for (const status of CAMPAIGN_STATUSES) {
      const reply: Reply = { ...bigTable(5000), campaign: { id: 7, name: 'x', status, actions: ACTIONS_BY_STATUS[status], version: 3, retryable: 2 } };
      const m = campaignCardMessage(reply);
      assertWithinLimits(m.blocks, 50);
      const actions = m.blocks.at(-1) as any;
      expect(actions.type).toBe('actions');
      for (const e of actions.elements) expect(e.value).toBe('7');
    }
    // Which buttons each status gets: test/unit/slack/campaign-card.test.ts.
  });

  it('modals: titles ≤ 24 characters, ≤ 100 blocks, ≤ 100 options, private_metadata ids only', () => {
    const many = Array.from({ length: 250 }, (_, i) => `Item ${i} ${'z'.repeat(100)}`);
    const form = campaignFormView({ templates: many.map((name) => ({ name, channel: 'email' })), lists: many, segments: many, accountTimeZone: 'UTC' }, { channelId: 'C1', campaignId: 2147483647 }, {
      campaign: campaign({ id: 2147483647 }), template: null, list: null, include: [], exclude: [], variants: [],
    });
    const cancel = cancelConfirmView({ campaignId: 2147483647, prompt: 'p'.repeat(5000), warnings: ['w'], metadata: { channelId: 'C1' } });
    const retry = retryConfirmView({ campaignId: 2147483647, text: 'r', notes: [], confirmable: false, metadata: {} });
    const schedule = scheduleFormView({ campaign: campaign({ id: 2147483647, status: 'ready' }), accountTimeZone: 'UTC', metadata: { channelId: 'C1' } });
    for (const view of [form, cancel, retry, schedule]) {
      expect(view.title.text.length).toBeLessThanOrEqual(24);
      expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
      assertWithinLimits(view.blocks as any[], 100);
    }
    expect(retry.submit).toBeUndefined();
    expect(decodeMetadata(form.private_metadata)).toEqual({ channelId: 'C1', campaignId: 2147483647 });
    expect(decodeMetadata('{"campaignId":"1 OR 1=1","channelId":"<script>"}')).toEqual({});
    // The edit form keeps ids and the version it was opened on, nothing of the campaign's values:
    // it fits whatever the campaign holds, and anything else put there is dropped on the way back.
    const memory = { channelId: 'C0123456789', messageTs: '1700000000.000100', campaignId: 2147483647, version: 123456 };
    expect(encodeMetadata(memory).length).toBeLessThanOrEqual(200);
    expect(decodeMetadata(encodeMetadata(memory))).toEqual(memory);
    expect(decodeMetadata(JSON.stringify({ ...memory, status: 'ready', seen: { name: 'abc' }, name: 'x' }))).toEqual(memory);
  });

  it('App Home stays under 100 blocks however much there is', () => {
    const c = campaign({ status: 'scheduled' });
    const view = appHomeView({
      role: 'admin',
      zone: 'UTC',
      mine: { items: Array.from({ length: 10 }, () => c), total: 500 },
      byStatus: CAMPAIGN_STATUSES.map((status) => ({ status, total: 99, sample: [c, c, c] })),
      headlines: new Map([[c.id, headlineFigures({ statusCounts: { delivered: 999_999_999, bounced: 1 }, uniqueOpens: 888_888_888, uniqueClicks: 777_777_777 })]]),
      approvals: Array.from({ length: 40 }, (_, i) => ({ approval: { id: i, campaignId: 1, action: 'cancel' as const, status: 'pending' as const, requestedBy: 'U1', reason: 'r'.repeat(500), requestedAt: c.createdAt, expiresAt: c.createdAt, decidedBy: null, decidedAt: null }, campaign: c })),
      upcoming: Array.from({ length: 200 }, () => ({ at: c.createdAt, campaign: c, occurrence: null })),
      templates: Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: `T${i}`, channel: 'email' })),
    });
    assertWithinLimits(view.blocks as any[], 100);
    // Each campaign row carries its headline figures with their counts.
    expect(JSON.stringify(view.blocks)).toContain('open 88.9 % (888,888,888 ÷ 999,999,999)');
  });

  it('a compare of ten campaigns with every figure, and its charts, stays within a message', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `C-${1001 + i}`);
    const reply: Reply = {
      ok: true,
      text: 'Compare',
      visibility: 'ephemeral',
      blocks: [
        { type: 'header', text: 'Compare' },
        ...ids.map((id) => ({ type: 'warning' as const, text: `${id} was stopped: ${'x'.repeat(300)}` })),
        { type: 'table', columns: ['Figure', ...ids, 'How it is computed (the same for each)'], rows: Array.from({ length: 21 }, () => ['Open rate', ...ids.map(() => '100.0 % (999,999,999 ÷ 999,999,999)'), 'd'.repeat(200)]) },
        { type: 'context', text: 'c' },
      ],
    };
    assertWithinLimits(replyToMessage(reply).blocks as any[], 50);
  });

  it('an alert stays inside the limits, with a text fallback, for every status and however long its parts', () => {
    for (const kind of ['approval', 'suspended', 'launch_failed', 'overdue', 'unknown'] as const) {
      for (const status of CAMPAIGN_STATUSES) {
        const m = alertMessage({
          kind, campaignId: 2147483647, approvalId: 2147483647, title: 't'.repeat(5000), happened: 'h'.repeat(5000), todo: 'd'.repeat(5000), status,
          pending: kind === 'approval', outcome: status === 'completed' ? 'o'.repeat(5000) : null, timeline: Array.from({ length: 500 }, () => 'l'.repeat(400)),
        }, 'S0123ONCALL');
        assertWithinLimits(m.blocks, 50);
        expect(m.text.length).toBeGreaterThan(0);
        expect(m.text.length).toBeLessThanOrEqual(3000);
        expect(m.text).toContain('<!subteam^S0123ONCALL>');
        for (const b of m.blocks as any[]) if (b.type === 'context') expect(b.elements[0].text.length).toBeLessThanOrEqual(2000);
      }
    }
  });
});
