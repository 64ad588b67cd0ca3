import { campaignRef, type Campaign } from '../../domain/campaign/campaign.js';
import type { CampaignStore } from '../../domain/ports/campaign-store.js';
import type { ChannelThread, ChannelThreadStore } from '../../domain/ports/channel-thread-store.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Notification } from '../../domain/ports/notifier.js';
import { activityCardMessage, activityEntryMessage, progressOf } from '../blocks/activity-card.js';
import { context, section } from '../blocks/reply-blocks.js';
import type { SlackLogger } from '../slack-context.js';
import type { ChannelPoster, PostedMessage } from './channel-poster.js';

export const ACTIVITY_KIND = 'activity';

export interface ActivityThreadsOptions {
  poster: ChannelPoster;
  threads: ChannelThreadStore;
  campaigns: CampaignStore;
  clock: Clock;
  /** The account's zone, for the times on the card and replies. */
  zone: string;
  /** SLACK_ACTIVITY_CHANNEL. */
  channel: string;
  /** Names this process in the claims (host:pid:random). */
  owner: string;
  logger: Pick<SlackLogger, 'info' | 'warn'>;
  /** A claim whose parent was never posted (its replica died meanwhile) is taken over after this long. */
  staleClaimMs?: number;
  /** How many of the latest entries a new thread starts with (the rest: /campaign activity). */
  replayOnCreate?: number;
  /** A deleted parent is recreated at most once in this long per campaign (an update Slack refuses for another reason must not repost it each time). */
  recreateEveryMs?: number;
}

/** Activity entries read per look: the card's refresh reads the latest few, never the whole log. */
const ENTRIES_PER_LOOK = 50;

/**
 * One activity thread per campaign in the activity channel: the parent is the live card (edited in
 * place on every status change and, while sending, by the periodic refresh), and each activity-log
 * entry is replied once in the thread. The thread's place is stored (`slack_thread`): the first
 * replica to insert the claim posts the parent, and the activity cursor advances by a conditional
 * write, so several replicas neither post two parents nor reply an entry twice. A deleted parent is
 * posted again.
 */
export class ActivityThreads {
  /** Per campaign, the end of its chain of refreshes: one at a time, in order. */
  private readonly chains = new Map<number, Promise<void>>();
  /** Per campaign, the card content last sent: an unchanged card is not sent again. */
  private readonly lastCard = new Map<number, string>();
  /** Per campaign sending, the first sample of its progress this process took: the rate is measured from it. */
  private readonly samples = new Map<number, { done: number; at: number }>();
  private readonly recreatedAt = new Map<number, number>();

  constructor(private readonly o: ActivityThreadsOptions) {}

  /** The notification subscriber: every notification about a campaign refreshes its thread. */
  readonly onNotification = (n: Notification): Promise<void> => {
    if (!('campaignId' in n)) return Promise.resolve();
    return this.follow(n.campaignId);
  };

  /** The periodic refresh (a scheduler job): the cards of campaigns sending now. */
  async refreshSending(): Promise<void> {
    const { items } = await this.o.campaigns.list({ statuses: ['sending'], page: 1, pageSize: 50 });
    for (const c of items) await this.follow(c.id);
  }

  /** Refreshes one campaign's card and replies its new entries (serialised per campaign). */
  follow(campaignId: number): Promise<void> {
    const previous = this.chains.get(campaignId) ?? Promise.resolve();
    const next = previous
      .then(() => this.refresh(campaignId))
      .catch((error: unknown) => this.o.logger.warn('slack: the activity thread could not be refreshed', { campaignId, error: error instanceof Error ? error.message : String(error) }));
    this.chains.set(campaignId, next);
    void next.finally(() => {
      if (this.chains.get(campaignId) === next) this.chains.delete(campaignId);
    });
    return next;
  }

  private async refresh(campaignId: number): Promise<void> {
    const campaign = await this.o.campaigns.get(campaignId);
    if (!campaign) return;
    const counts = await this.o.campaigns.messageCounts(campaignId);
    let thread = await this.thread(campaign, counts);
    if (!thread) return;
    const card = this.card(campaign, counts);
    const drawn = JSON.stringify(card.blocks);
    if (!thread.fresh && this.lastCard.get(campaignId) !== drawn) {
      const ok = await this.o.poster.update(thread.at, card);
      if (!ok) {
        thread = await this.recreate(campaign, counts, thread.row);
        if (!thread) return;
      }
    }
    this.lastCard.set(campaignId, drawn);
    await this.replyEntries(campaign, thread.at, thread.row.lastActivityId, counts);
  }

  /** The campaign's thread, posting its parent when this process claims it; null while another replica posts it. */
  private async thread(campaign: Campaign, counts: Record<string, number>): Promise<{ at: PostedMessage; row: ChannelThread; fresh: boolean } | null> {
    const { threads, channel, owner, clock } = this.o;
    let row = await threads.get(campaign.id, ACTIVITY_KIND);
    if (!row) {
      if (await threads.claim(campaign.id, ACTIVITY_KIND, channel, owner, clock.now())) return this.postParent(campaign, counts, null);
      row = await threads.get(campaign.id, ACTIVITY_KIND);
      if (!row) return null;
    }
    const stale = row.ts === null && clock.now().getTime() - row.claimedAt.getTime() > (this.o.staleClaimMs ?? 60_000);
    // SLACK_ACTIVITY_CHANNEL changed: the thread starts again in the new channel.
    if (row.channel !== channel || stale) {
      if (await threads.reclaim(row, channel, owner, clock.now())) return this.postParent(campaign, counts, row);
      return null;
    }
    if (row.ts === null) return null;
    return { at: { channel: row.channel, ts: row.ts }, row, fresh: false };
  }

  /** The parent is gone (deleted in Slack): claim the row back and post a new parent. */
  private async recreate(campaign: Campaign, counts: Record<string, number>, row: ChannelThread): Promise<{ at: PostedMessage; row: ChannelThread; fresh: boolean } | null> {
    const now = this.o.clock.now().getTime();
    const last = this.recreatedAt.get(campaign.id);
    if (last !== undefined && now - last < (this.o.recreateEveryMs ?? 10 * 60_000)) return null;
    this.recreatedAt.set(campaign.id, now);
    this.o.logger.info('slack: the activity card is gone; posting it again', { campaignId: campaign.id, channel: row.channel, ts: row.ts });
    if (!(await this.o.threads.reclaim(row, this.o.channel, this.o.owner, this.o.clock.now()))) return null;
    return this.postParent(campaign, counts, row);
  }

  private async postParent(campaign: Campaign, counts: Record<string, number>, previous: ChannelThread | null): Promise<{ at: PostedMessage; row: ChannelThread; fresh: boolean } | null> {
    const { poster, threads, channel, owner } = this.o;
    const card = this.card(campaign, counts);
    const posted = await poster.post(channel, card);
    // Not posted (logged by the poster): the claim stays ours and goes stale, so a later look retries.
    if (!posted) return null;
    await threads.setPosted(campaign.id, ACTIVITY_KIND, owner, posted.ts);
    this.lastCard.set(campaign.id, JSON.stringify(card.blocks));
    if (previous?.ts) {
      const ref = campaignRef(campaign.id);
      const why = previous.channel !== channel ? `the activity channel changed (it was <#${previous.channel}>)` : 'the previous card was deleted';
      await poster.post(channel, { text: `A new thread for ${ref}: ${why}.`, blocks: [section(`A new thread for ${ref}: ${why}. Earlier steps: /campaign activity ${ref}.`)] }, { threadTs: posted.ts });
    }
    const row = (await threads.get(campaign.id, ACTIVITY_KIND)) ?? { campaignId: campaign.id, kind: ACTIVITY_KIND, channel, ts: posted.ts, owner, claimedAt: this.o.clock.now(), lastActivityId: previous?.lastActivityId ?? null };
    return { at: posted, row, fresh: true };
  }

  /** Replies the entries after the cursor, once: the replica that moves the cursor replies them. */
  private async replyEntries(campaign: Campaign, at: PostedMessage, cursor: string | null, counts: Record<string, number>): Promise<void> {
    const entries = await this.o.campaigns.activity(campaign.id, ENTRIES_PER_LOOK);
    let fresh = entries.filter((e) => cursor === null || BigInt(e.id) > BigInt(cursor));
    let skipped = 0;
    if (cursor === null && fresh.length > (this.o.replayOnCreate ?? 20)) {
      skipped = fresh.length - (this.o.replayOnCreate ?? 20);
      fresh = fresh.slice(skipped);
    }
    const last = fresh.at(-1);
    if (!last) return;
    if (!(await this.o.threads.advanceCursor(campaign.id, ACTIVITY_KIND, cursor, last.id))) return;
    if (skipped > 0) {
      const ref = campaignRef(campaign.id);
      await this.o.poster.post(at.channel, { text: `${skipped} earlier steps of ${ref} are in its activity log.`, blocks: [context(`${skipped} earlier steps: /campaign activity ${ref}`)] }, { threadTs: at.ts });
    }
    for (const entry of fresh) {
      const posted = await this.o.poster.post(at.channel, activityEntryMessage(entry, { zone: this.o.zone, counts }), { threadTs: at.ts });
      // The thread may be gone (thread_not_found): the next refresh edits the card whatever it shows,
      // which finds out and posts it again.
      if (!posted) this.lastCard.delete(campaign.id);
    }
  }

  private card(campaign: Campaign, counts: Record<string, number>) {
    const { total, done } = progressOf(counts);
    const now = this.o.clock.now();
    let ratePerSecond: number | null = null;
    if (campaign.status === 'sending') {
      const first = this.samples.get(campaign.id);
      if (!first) this.samples.set(campaign.id, { done, at: now.getTime() });
      else if (now.getTime() > first.at) ratePerSecond = ((done - first.done) * 1000) / (now.getTime() - first.at);
    } else {
      this.samples.delete(campaign.id);
    }
    return activityCardMessage({ campaign, counts, progress: { total, done, ratePerSecond }, at: now, zone: this.o.zone });
  }
}
