import type { LinkStore } from '../../domain/ports/link-store.js';
import type { Db } from './prisma-client.js';

/** Link ids by campaign and destination; a campaign's links rarely change, so they are kept after the first lookup. */
const CACHE_MAX = 50_000;

/**
 * The click map's links. Rendering registers a message's destinations (one upsert for the ones not
 * seen yet, then from memory); a click reads where the link goes now, so an edit takes effect at once.
 */
export class PrismaLinkStore implements LinkStore {
  private readonly ids = new Map<string, number>();

  constructor(private readonly prisma: Db) {}

  async register(campaignId: number, urls: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const url of urls) {
      const id = this.ids.get(`${campaignId}\n${url}`);
      if (id === undefined) missing.push(url);
      else out.set(url, id);
    }
    if (missing.length) {
      // DO UPDATE (a no-op) rather than DO NOTHING: existing rows come back too.
      const rows = await this.prisma.$queryRaw<{ id: number; url: string }[]>`
        INSERT INTO link (campaign_id, original_url, url)
        SELECT ${campaignId}, u, u FROM unnest(${missing}::text[]) AS u ORDER BY u
        ON CONFLICT (campaign_id, original_url) DO UPDATE SET original_url = excluded.original_url
        RETURNING id, original_url AS url`;
      if (this.ids.size + rows.length > CACHE_MAX) this.ids.clear();
      for (const r of rows) {
        this.ids.set(`${campaignId}\n${r.url}`, r.id);
        out.set(r.url, r.id);
      }
    }
    return out;
  }

  async destination(linkId: number, messageId: string): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<{ url: string }[]>`
      SELECT l.url FROM link l JOIN message m ON m.campaign_id = l.campaign_id WHERE l.id = ${linkId} AND m.id = ${messageId}::bigint`;
    return rows[0]?.url ?? null;
  }
}
