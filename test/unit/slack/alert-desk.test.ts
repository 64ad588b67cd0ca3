import { describe, expect, it } from 'vitest';
import type { CampaignMove, Notification } from '../../../src/domain/ports/notifier.js';
import type { AlertKind, PostedAlert, PostedAlertStore } from '../../../src/domain/ports/posted-alert-store.js';
import { alertDesk } from '../../../src/slack/alerts/alert-desk.js';
import type { ChannelMessage, ChannelPoster, PostedMessage } from '../../../src/slack/channels/channel-poster.js';
import { ALERT_ACTIONS } from '../../../src/slack/ids.js';
import { assertPostable } from '../../support/block-kit-limits.js';

const AT = new Date('2026-11-22T10:00:00Z');

/** Records what the desk posts and edits, like Slack would keep it; `gone` makes updates of a ts fail (a deleted message). */
class RecordingPoster implements ChannelPoster {
  posts: { channel: string; message: ChannelMessage; ts: string }[] = [];
  updates: { at: PostedMessage; message: ChannelMessage }[] = [];
  gone = new Set<string>();
  private seq = 0;
  async post(channel: string, message: ChannelMessage): Promise<PostedMessage> {
    const ts = `1.${++this.seq}`;
    this.posts.push({ channel, message, ts });
    return { channel, ts };
  }
  async update(at: PostedMessage, message: ChannelMessage): Promise<boolean> {
    if (this.gone.has(at.ts)) return false;
    this.updates.push({ at, message });
    return true;
  }
  async drain(): Promise<void> {}
}

class MemoryAlerts implements PostedAlertStore {
  rows = new Map<string, PostedAlert>();
  async get(kind: AlertKind, subjectId: string) {
    return this.rows.get(`${kind}:${subjectId}`) ?? null;
  }
  async openFor(kinds: readonly AlertKind[], subjectId: string) {
    return [...this.rows.values()].filter((r) => kinds.includes(r.kind) && r.subjectId === subjectId && r.state === 'open');
  }
  async save(alert: PostedAlert) {
    this.rows.set(`${alert.kind}:${alert.subjectId}`, alert);
  }
  async update(kind: AlertKind, subjectId: string, change: Partial<PostedAlert>) {
    const row = this.rows.get(`${kind}:${subjectId}`);
    if (row) this.rows.set(`${kind}:${subjectId}`, { ...row, ...change });
  }
}

function setup(channel: string | null = 'CALERTS') {
  const poster = new RecordingPoster();
  const store = new MemoryAlerts();
  const desk = alertDesk({ poster, store, channel, oncallGroup: 'SONCALL', zone: 'UTC', logger: { info: () => {}, warn: () => {}, error: () => {} } });
  return { poster, store, desk };
}

const move = (over: Partial<CampaignMove>): CampaignMove => ({ campaignId: 7, campaignName: 'Promo', from: 'sending', to: 'sending', transition: 'resume', actor: 'system:delivery', reason: null, runId: 1, at: AT, ...over });
const buttons = (m: ChannelMessage) => m.blocks.filter((b) => b.type === 'actions').flatMap((b) => (b as any).elements.map((e: any) => e.action_id));

describe('the alert desk', () => {
  it('a failed launch is one alert with its reasons and only Open campaign; it clears when the campaign is relaunched', async () => {
    const { poster, store, desk } = setup();
    const reasons = [{ code: 'AUDIENCE_EMPTY', message: 'The list "Crowd" has no contacts.' }, { code: 'TEMPLATE_MISSING', message: 'The template was deleted.' }];
    await desk({ kind: 'campaign.launch_failed', reasons, ...move({ from: 'ready', to: 'failed', transition: 'fail_launch', actor: 'UMARK' }) });
    expect(poster.posts).toHaveLength(1);
    const alert = poster.posts[0]!.message;
    assertPostable(alert);
    expect(alert.text).toContain('<!subteam^SONCALL>');
    expect(alert.text).toContain('C-7 "Promo" could not launch');
    expect(JSON.stringify(alert.blocks)).toContain('has no contacts');
    expect(JSON.stringify(alert.blocks)).toContain('/campaign relaunch C-7');
    expect(buttons(alert)).toEqual([ALERT_ACTIONS.open]);

    await desk({ kind: 'campaign.status_changed', ...move({ from: 'failed', to: 'queued', transition: 'relaunch', actor: 'UMARK' }) });
    const edited = poster.updates.at(-1)!.message;
    expect(JSON.stringify(edited.blocks)).toContain('Built and queued by <@UMARK>');
    expect(edited.blocks[0]).toMatchObject({ text: { text: expect.stringMatching(/^:white_check_mark:/) } });
    expect((await store.get('launch_failed', '7'))?.state).toBe('open');
    await desk({ kind: 'campaign.status_changed', ...move({ from: 'queued', to: 'sending', transition: 'start_sending' }) });
    await desk({ kind: 'campaign.status_changed', ...move({ from: 'sending', to: 'completed', transition: 'complete' }) });
    expect((await store.get('launch_failed', '7'))?.state).toBe('closed');
    // Closed: later moves leave it alone.
    const count = poster.updates.length;
    await desk({ kind: 'campaign.status_changed', ...move({ from: 'completed', to: 'sending', transition: 'retry', actor: 'UMARK' }) });
    expect(poster.updates).toHaveLength(count);
  });

  it('an overdue send held for a person offers Send now, and says who sent it', async () => {
    const { poster, desk } = setup();
    await desk({ kind: 'campaign.overdue', campaignId: 7, campaignName: 'Promo', dueAt: new Date('2026-11-22T08:00:00Z'), policy: 'ask', outcome: 'held', nextRunAt: null, at: AT });
    const alert = poster.posts[0]!.message;
    assertPostable(alert);
    expect(alert.text).toContain('missed its send time');
    expect(JSON.stringify(alert.blocks)).toContain('due at 2026-11-22 08:00 UTC');
    expect(alert.blocks.flatMap((b) => (b.type === 'actions' ? (b as any).elements.map((e: any) => e.text.text) : []))).toEqual(['Send now', 'Open campaign']);
    await desk({ kind: 'campaign.status_changed', ...move({ from: 'suspended', to: 'queued', transition: 'resume', actor: 'UAPPR' }) });
    expect(JSON.stringify(poster.updates.at(-1)!.message.blocks)).toContain('Resumed by <@UAPPR>');
    // The other outcomes were said in the activity log and the console; they need no one.
    await desk({ kind: 'campaign.overdue', campaignId: 8, campaignName: 'Other', dueAt: AT, policy: 'send_late', outcome: 'sent_late', nextRunAt: null, at: AT });
    expect(poster.posts).toHaveLength(1);
  });

  it('unknown messages after a crash are an alert with what to check, and no buttons', async () => {
    const { poster, desk } = setup();
    await desk({ kind: 'delivery.unknown', count: 3, why: 'process_died', owner: 'host:42:abc', at: AT });
    const alert = poster.posts[0]!.message;
    assertPostable(alert);
    expect(alert.text).toContain('3 messages are unknown after a Herald process died');
    expect(JSON.stringify(alert.blocks)).toContain('--status unknown');
    expect(buttons(alert)).toEqual([]);
  });

  it('a deleted alert is posted again rather than lost; huge names and reasons stay inside the limits', async () => {
    const { poster, store, desk } = setup();
    const name = 'N'.repeat(5000);
    await desk({ kind: 'campaign.suspended', ...move({ campaignName: name, to: 'suspended', transition: 'suspend', reason: 'R'.repeat(10_000) }), reason: 'R'.repeat(10_000) });
    assertPostable(poster.posts[0]!.message);
    poster.gone.add(poster.posts[0]!.ts);
    for (let i = 0; i < 30; i++) {
      await desk({ kind: 'campaign.status_changed', ...move({ campaignName: name, from: i % 2 ? 'paused' : 'suspended', to: i % 2 ? 'sending' : 'paused', transition: i % 2 ? 'resume' : 'pause', actor: `U${'X'.repeat(20)}${i}`, reason: 'why '.repeat(500) }) });
    }
    expect(poster.posts).toHaveLength(2);
    expect((await store.get('suspended', '7'))?.ts).toBe(poster.posts[1]!.ts);
    for (const u of poster.updates) assertPostable(u.message);
    expect(JSON.stringify(poster.updates.at(-1)!.message.blocks)).toMatch(/…\d+ earlier/);
  });

  it('without an alerts channel nothing is posted there, and the requester still hears the decision', async () => {
    const { poster, desk } = setup(null);
    const base = { approvalId: 3, campaignId: 7, campaignName: 'Promo', requestedBy: 'UMARK', at: AT };
    await desk({ kind: 'approval.requested', ...base, reason: null, expiresAt: new Date(AT.getTime() + 3_600_000) } as Notification);
    expect(poster.posts).toHaveLength(0);
    await desk({ kind: 'approval.decided', ...base, decision: 'approved', decidedBy: 'alice' } as Notification);
    expect(poster.posts.map((p) => [p.channel, p.message.text])).toEqual([['UMARK', 'alice (console) approved your request A-3 to cancel C-7: it is cancelled.']]);
  });

  it('a notification handed on twice (the relay is at least once) posts no second alert, edits nothing, tells nobody again', async () => {
    const { poster, store, desk } = setup();
    // Each repeat is the value read back from the outbox: equal, not the same object.
    const twice = async (n: Notification) => {
      await desk(n);
      await desk(JSON.parse(JSON.stringify(n), (k, v) => (['at', 'expiresAt'].includes(k) ? new Date(v) : v)) as Notification);
    };
    const base = { approvalId: 4, campaignId: 7, campaignName: 'Promo', requestedBy: 'UMARK', at: AT };
    await twice({ kind: 'approval.requested', ...base, reason: null, expiresAt: new Date(AT.getTime() + 3_600_000) } as Notification);
    expect(poster.posts).toHaveLength(1);
    await twice({ kind: 'approval.decided', ...base, decision: 'approved', decidedBy: 'UAPPR' } as Notification);
    expect(poster.updates).toHaveLength(1);
    expect(poster.posts.filter((p) => p.channel === 'UMARK')).toHaveLength(1);
    expect((store.rows.get('approval:4')!.detail as any).timeline).toHaveLength(2);

    await twice({ kind: 'campaign.suspended', ...move({ campaignId: 8, to: 'suspended', transition: 'suspend', reason: 'error budget' }) } as Notification);
    expect(poster.posts.filter((p) => p.channel === 'CALERTS')).toHaveLength(2);
    expect(poster.updates).toHaveLength(1);
    // The same move again later is a new notification: the open alert says "again".
    await desk({ kind: 'campaign.suspended', ...move({ campaignId: 8, to: 'suspended', transition: 'suspend', reason: 'error budget', at: new Date(AT.getTime() + 60_000) }) } as Notification);
    expect(poster.updates).toHaveLength(2);
    // Resumed, handed on twice: one edit, one timeline line.
    await twice({ kind: 'campaign.status_changed', ...move({ campaignId: 8, from: 'suspended', to: 'sending', transition: 'resume', actor: 'UAPPR', at: new Date(AT.getTime() + 120_000) }) } as Notification);
    expect(poster.updates).toHaveLength(3);
    expect((store.rows.get('suspended:8')!.detail as any).timeline).toHaveLength(3);
  });
});
