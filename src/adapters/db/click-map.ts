import type { ClickMap, LinkClicks, LinkEdit } from '../../domain/ports/click-map.js';
import type { Db } from './prisma-client.js';

/** The click map read from `link` and `link_click_count`; a link edit and its activity entry in one transaction. */
export class PrismaClickMap implements ClickMap {
  constructor(private readonly prisma: Db) {}

  async links(campaignId: number): Promise<LinkClicks[]> {
    const rows = await this.prisma.$queryRaw<{ id: number; original_url: string; url: string; updated_by: string | null; total: bigint | null; unique: bigint | null }[]>`
      SELECT l.id, l.original_url, l.url, l.updated_by, c.total, c."unique"
      FROM link l LEFT JOIN link_click_count c ON c.link_id = l.id
      WHERE l.campaign_id = ${campaignId} ORDER BY l.id`;
    return rows.map((r) => ({ id: r.id, originalUrl: r.original_url, url: r.url, updatedBy: r.updated_by, total: Number(r.total ?? 0), unique: Number(r.unique ?? 0) }));
  }

  async editDestination(input: { campaignId: number; linkId: number; url: string; expectedUrl?: string; actor: string; now: Date }): Promise<LinkEdit> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.$queryRaw<{ campaign_id: number; url: string }[]>`SELECT campaign_id, url FROM link WHERE id = ${input.linkId} FOR UPDATE`;
      const link = found[0];
      if (!link) return { ok: false, why: 'not_found' } as const;
      if (link.campaign_id !== input.campaignId) return { ok: false, why: 'other_campaign', campaignId: link.campaign_id } as const;
      if (input.expectedUrl !== undefined && link.url !== input.expectedUrl) return { ok: false, why: 'changed', current: link.url } as const;
      await tx.link.update({ where: { id: input.linkId }, data: { url: input.url, updatedBy: input.actor, updatedAt: input.now } });
      await tx.activity.create({
        data: {
          campaignId: input.campaignId,
          actor: input.actor,
          action: 'link edited',
          detail: { link: `L-${input.linkId}`, old: link.url, new: input.url },
          createdAt: input.now,
        },
      });
      return { ok: true, old: link.url, url: input.url } as const;
    });
  }
}
