import type { ChannelThread, ChannelThreadStore } from '../../domain/ports/channel-thread-store.js';
import { utcTimestamp } from './ledger-sql.js';
import type { Db } from './prisma-client.js';

/** Campaign threads in `slack_thread` (primary key: campaign + kind); every change is conditional on what was read. */
export class PrismaChannelThreadStore implements ChannelThreadStore {
  constructor(private readonly prisma: Db) {}

  async get(campaignId: number, kind: string): Promise<ChannelThread | null> {
    const row = await this.prisma.slackThread.findUnique({ where: { campaignId_kind: { campaignId, kind } } });
    return row ? { ...row, lastActivityId: row.lastActivityId === null ? null : row.lastActivityId.toString() } : null;
  }

  async claim(campaignId: number, kind: string, channel: string, owner: string, at: Date): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO slack_thread (campaign_id, kind, channel, ts, owner, claimed_at)
      VALUES (${campaignId}, ${kind}, ${channel}, NULL, ${owner}, ${utcTimestamp(at)})
      ON CONFLICT (campaign_id, kind) DO NOTHING`;
    return inserted === 1;
  }

  async reclaim(seen: ChannelThread, channel: string, owner: string, at: Date): Promise<boolean> {
    const taken = await this.prisma.slackThread.updateMany({
      where: { campaignId: seen.campaignId, kind: seen.kind, ts: seen.ts, owner: seen.owner, claimedAt: seen.claimedAt },
      data: { ts: null, channel, owner, claimedAt: at },
    });
    return taken.count === 1;
  }

  async setPosted(campaignId: number, kind: string, owner: string, ts: string): Promise<void> {
    await this.prisma.slackThread.updateMany({ where: { campaignId, kind, owner, ts: null }, data: { ts } });
  }

  async advanceCursor(campaignId: number, kind: string, from: string | null, to: string): Promise<boolean> {
    const moved = await this.prisma.slackThread.updateMany({
      where: { campaignId, kind, lastActivityId: from === null ? null : BigInt(from) },
      data: { lastActivityId: BigInt(to) },
    });
    return moved.count === 1;
  }
}
