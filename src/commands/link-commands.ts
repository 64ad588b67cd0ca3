import { campaignRef } from '../domain/campaign/campaign.js';
import { loadCampaign } from '../domain/campaign/campaign-deps.js';
import { AppError } from '../domain/errors.js';
import { excerpt } from '../domain/text/excerpt.js';
import type { ClickMap } from '../domain/ports/click-map.js';
import type { CommandContext } from './command-context.js';
import type { CommandOf } from './grammar/commands.js';
import { reply, type Reply } from './reply.js';

const number = new Intl.NumberFormat('en-US');

function clickMapOf(ctx: CommandContext): ClickMap {
  if (!ctx.clickMap) throw new AppError('NOT_AVAILABLE', '/campaign links needs the click map store, which this Herald was built without.');
  return ctx.clickMap;
}

export const linkCommands = {
  /** `/campaign links <id>`: each tracked link with its unique and total human clicks. */
  async list(ctx: CommandContext, cmd: CommandOf<'links list'>): Promise<Reply> {
    const campaign = await loadCampaign(ctx.deps, cmd.campaignId);
    const ref = campaignRef(campaign.id);
    const links = await clickMapOf(ctx).links(campaign.id);
    const title = `Click map of ${ref} ${campaign.name}`;
    if (links.length === 0) return reply(`${title}: no tracked links yet`, [{ type: 'header', text: title }, { type: 'text', text: 'No tracked links yet: links are registered when messages are rendered with tracking on.' }]);
    const byClicks = [...links].sort((a, b) => b.unique - a.unique || b.total - a.total || a.id - b.id);
    const answer = reply(`${title}: ${links.length} link${links.length === 1 ? '' : 's'}`, [
      { type: 'header', text: title },
      {
        type: 'table',
        columns: ['Link', 'Goes to', 'Unique clicks', 'Total clicks'],
        rows: byClicks.map((l) => [`L-${l.id}`, l.url === l.originalUrl ? l.url : `${l.url} (was ${l.originalUrl}, edited by ${l.updatedBy ?? '?'})`, number.format(l.unique), number.format(l.total)]),
      },
      { type: 'context', text: `Human clicks only; unique = recipients who clicked the link. Change a destination: /campaign links ${ref} edit L-<n> --url URL` },
    ]);
    return { ...answer, linkMap: { campaignId: campaign.id, campaignName: campaign.name, links: byClicks.map((l) => ({ id: l.id, url: l.url, originalUrl: l.originalUrl })) } };
  },

  /** `/campaign links <id> edit <link> --url URL`: the link goes to URL from now on, for every recipient. */
  async edit(ctx: CommandContext, cmd: CommandOf<'links edit'>, actor: string): Promise<Reply> {
    const campaign = await loadCampaign(ctx.deps, cmd.campaignId);
    const ref = campaignRef(campaign.id);
    const linkRef = `L-${cmd.linkId}`;
    const outcome = await clickMapOf(ctx).editDestination({ campaignId: campaign.id, linkId: cmd.linkId, url: cmd.url, ...(cmd.ifUrl !== undefined ? { expectedUrl: cmd.ifUrl } : {}), actor, now: ctx.deps.clock.now() });
    if (!outcome.ok && outcome.why === 'changed') {
      throw new AppError('CONFLICT', `${linkRef} of ${ref} goes to ${excerpt(outcome.current, 120)} now, not to ${excerpt(cmd.ifUrl ?? '', 120)} (changed by someone else meanwhile); nothing was changed. Look again with /campaign links ${ref}.`, { field: 'url' });
    }
    if (!outcome.ok) {
      const message =
        outcome.why === 'other_campaign'
          ? `${linkRef} is a link of ${campaignRef(outcome.campaignId!)}, not of ${ref}; nothing was changed.`
          : `${ref} has no link ${linkRef}; /campaign links ${ref} lists its links. Nothing was changed.`;
      throw new AppError('NOT_FOUND', message, { field: 'link' });
    }
    const text = outcome.old === outcome.url ? `${linkRef} of ${ref} already goes to ${outcome.url}.` : `${linkRef} of ${ref} now goes to ${outcome.url} (was ${outcome.old}), for every recipient from now on.`;
    return reply(text, [{ type: 'text', text }, { type: 'context', text: `Recorded in the activity log: /campaign activity ${ref}` }], 'in_channel');
  },
};
