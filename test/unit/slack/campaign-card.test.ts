import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/commands/reply.js';
import { ACTIONS_BY_STATUS, CAMPAIGN_STATUSES, type CampaignStatus } from '../../../src/domain/campaign/campaign-status.js';
import { campaignCardMessage, cardActions } from '../../../src/slack/blocks/campaign-card.js';
import { CARD_ACTIONS } from '../../../src/slack/ids.js';

/**
 * The card's buttons, per status: exactly the actions the status allows (ACTIONS_BY_STATUS, the
 * README's table) that exist in this build and can do something: Export wherever the table allows it;
 * Retry needs a failed or
 * unknown message; Schedule and Delete appear where the table allows them.
 */
const EXPECTED: Record<CampaignStatus, { none: string[]; withFailures?: string[] }> = {
  draft: { none: ['edit', 'preview', 'test', 'clone', 'delete'] },
  ready: { none: ['edit', 'preview', 'test', 'clone', 'run', 'schedule', 'delete'] },
  scheduled: { none: ['edit', 'preview', 'test', 'clone', 'pause', 'stop', 'cancel'] },
  queued: { none: ['preview', 'test', 'clone', 'pause', 'cancel', 'stats', 'export'] },
  sending: { none: ['preview', 'test', 'clone', 'pause', 'stop', 'cancel', 'stats', 'export'], withFailures: ['preview', 'test', 'clone', 'pause', 'stop', 'cancel', 'retry', 'stats', 'export'] },
  paused: { none: ['preview', 'test', 'clone', 'resume', 'cancel', 'stats', 'export'] },
  suspended: { none: ['preview', 'test', 'clone', 'resume', 'cancel', 'stats', 'export'] },
  stopped: { none: ['edit', 'preview', 'test', 'clone', 'relaunch', 'stats', 'export'] },
  cancelled: { none: ['preview', 'clone', 'stats', 'export'] },
  completed: { none: ['preview', 'test', 'clone', 'stats', 'export', 'delete'], withFailures: ['preview', 'test', 'clone', 'retry', 'stats', 'export', 'delete'] },
  failed: { none: ['edit', 'preview', 'test', 'clone', 'relaunch'] },
  rejected: { none: ['edit', 'preview', 'test', 'clone', 'resubmit'] },
};

const card = (status: CampaignStatus, retryable: number) => ({ status, actions: ACTIONS_BY_STATUS[status], retryable });

describe('campaign card buttons', () => {
  it.each(CAMPAIGN_STATUSES)('%s: the buttons its status allows, and only those that exist and can act', (status) => {
    const expected = EXPECTED[status];
    expect(cardActions(card(status, 0))).toEqual(expected.none);
    expect(cardActions(card(status, 3))).toEqual(expected.withFailures ?? expected.none);
  });

  it('an Export button where the table allows export; every button maps to a listener id', () => {
    for (const status of CAMPAIGN_STATUSES) {
      const reply: Reply = { ok: true, text: 't', blocks: [{ type: 'text', text: 't' }], visibility: 'ephemeral', campaign: { id: 9, name: 'n', status, actions: ACTIONS_BY_STATUS[status], version: 4, retryable: 5 } };
      const actions = campaignCardMessage(reply).blocks.find((b) => b.type === 'actions') as { block_id: string; elements: { action_id: string }[] } | undefined;
      const ids = actions?.elements.map((e) => e.action_id) ?? [];
      if (ACTIONS_BY_STATUS[status].includes('export')) expect(ids).toContain(CARD_ACTIONS.export);
      else expect(ids).not.toContain(CARD_ACTIONS.export);
      expect(ids).toEqual(cardActions(card(status, 5)).map((a) => CARD_ACTIONS[a]));
      if (actions) expect(actions.block_id).toBe('card_9_v4');
    }
  });

  it('Delete and Stop ask in Slack before the click is sent', () => {
    const reply = (status: CampaignStatus): Reply => ({ ok: true, text: 't', blocks: [], visibility: 'ephemeral', campaign: { id: 9, name: 'n', status, actions: ACTIONS_BY_STATUS[status], version: 1, retryable: 0 } });
    const button = (status: CampaignStatus, id: string) => (campaignCardMessage(reply(status)).blocks.at(-1) as any).elements.find((e: any) => e.action_id === id);
    expect(button('ready', CARD_ACTIONS.delete).confirm.title.text).toBe('Delete this campaign?');
    expect(button('sending', CARD_ACTIONS.stop).confirm.title.text).toBe('Stop this campaign?');
    expect(button('ready', CARD_ACTIONS.schedule).confirm).toBeUndefined();
  });
});
