import { campaignRef } from '../domain/campaign/campaign.js';
import { loadCampaign } from '../domain/campaign/campaign-deps.js';
import { AppError } from '../domain/errors.js';
import type { CommandContext } from './command-context.js';
import type { ExportCommand } from './grammar/commands.js';
import { reply, type Reply } from './reply.js';

const number = new Intl.NumberFormat('en-US');

/** `c1042-messages-20261201T223000123Z.csv`: the campaign, what, and the moment (to the millisecond, so two exports never share a name). */
export function exportFileName(campaignId: number, at: Date): string {
  return `c${campaignId}-messages-${at.toISOString().replace(/[-:.]/g, '')}.csv`;
}

/**
 * `/campaign export <id> [--status S] [--reason CATEGORY] [--search TEXT]`: a CSV of the campaign's
 * messages (all, or those the filters match, as `messages` has them), written in the exports folder
 * as of this moment: allowed in any status, a sending campaign's rows are those of the moment the
 * export began. The reply names the file; an edge that can post files (Slack) uploads it.
 */
export async function exportCommand(ctx: CommandContext, cmd: ExportCommand): Promise<Reply> {
  if (!ctx.messageExport) throw new AppError('NOT_AVAILABLE', '/campaign export needs the export store, which this Herald was built without.');
  const campaign = await loadCampaign(ctx.deps, cmd.campaignId);
  const ref = campaignRef(campaign.id);
  const at = ctx.deps.clock.now();
  const file = await ctx.messageExport.toFile({ campaignId: campaign.id, status: cmd.status, category: cmd.reason, search: cmd.search }, exportFileName(campaign.id, at));
  const filters = [cmd.status && `status ${cmd.status}`, cmd.reason && `reason ${cmd.reason}`, cmd.search && `matching "${cmd.search}"`].filter(Boolean);
  const what = `${number.format(file.rows)} message${file.rows === 1 ? '' : 's'} of ${ref} ${campaign.name}${filters.length ? ` (${filters.join(', ')})` : ''}`;
  const text = `Exported ${what} to ${file.path}`;
  const r = reply(text, [
    { type: 'header', text: `Export of ${ref}` },
    { type: 'text', text },
    { type: 'fields', fields: [['Rows', number.format(file.rows)], ['File', file.path], ['Size', `${number.format(Math.ceil(file.bytes / 1024))} KB`]] },
    { type: 'context', text: `Columns: ${file.columns.join(', ')}. Opens and clicks count human hits only. Cells that a spreadsheet would run as a formula start with an apostrophe.` },
    ...(campaign.status === 'sending' ? [{ type: 'warning' as const, text: `${ref} is sending: the rows are those of ${at.toISOString()}.` }] : []),
  ]);
  return { ...r, savedFiles: [{ path: file.path, name: file.name, title: `${ref} messages${filters.length ? ` (${filters.join(', ')})` : ''}`, comment: `Export of ${what}.` }] };
}
