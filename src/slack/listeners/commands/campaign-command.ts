import type { Middleware, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { executableKey, roleForKey } from '../../../commands/execute.js';
import { CommandSyntaxError, parseCommand } from '../../../commands/grammar/parse-command.js';
import type { Command } from '../../../commands/grammar/commands.js';
import { syntaxErrorReply, typedReply } from '../../../commands/typed-reply.js';
import { messageFor } from '../../blocks/campaign-card.js';
import { linkMapMessage } from '../../blocks/link-map.js';
import type { Reply } from '../../../commands/reply.js';
import { hasRole } from '../../roles.js';
import { messageWithCharts } from '../../charts/message-with-charts.js';
import { openFileModalFor } from '../../files/open-file-modals.js';
import { shareSavedFiles } from '../../files/share-saved-files.js';
import { openCampaignForm, openCancelConfirm, type OpenRequest, type OpenResult } from '../../open-modals.js';
import { runCommand, type CommandOutcome } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';

/**
 * `/campaign new` alone and `/campaign edit C-1` alone open the campaign form (the grammar needs
 * flags for them, so these two are told apart before parsing); so do `contacts import` alone and
 * `templates upload [NAME]` (the upload modals, open-file-modals.ts). A parsed `cancel C-1` that
 * is not confirmed opens the cancel confirmation.
 */
const NEW_ALONE = /^\s*new\s*$/i;
const EDIT_ALONE = /^\s*edit\s+(?:c-)?(\d{1,9})\s*$/i;

async function openFor(ctx: SlackContext, client: Parameters<typeof openCampaignForm>[1], text: string, req: OpenRequest): Promise<OpenResult | null> {
  if (NEW_ALONE.test(text)) return openCampaignForm(ctx, client, req);
  const editId = EDIT_ALONE.exec(text)?.[1];
  if (editId) return openCampaignForm(ctx, client, { ...req, campaignId: Number(editId) });
  return openFileModalFor(ctx, client, text, req);
}

/** A reply as this person sees it: a click map has Edit controls for someone who may edit links (the edit re-checks). */
async function messageForPerson(ctx: SlackContext, reply: Reply, userId: string) {
  if (reply.linkMap && hasRole(await ctx.roleOf(userId), roleForKey('links edit'))) return linkMapMessage(reply);
  return messageFor(reply);
}

/**
 * `/campaign …`: acknowledged at once with no body (Slack shows nothing until the answer), then the
 * line is parsed into a typed Command once and executed; the answer, worded for someone who types
 * (flags named), goes to response_url: privately or in channel as the Reply says.
 */
export function campaignCommand(ctx: SlackContext): Middleware<SlackCommandMiddlewareArgs> {
  return async ({ command: slash, ack, respond, client, context }) => {
    await ack();
    const text = slash.text ?? '';
    const req: OpenRequest = { triggerId: slash.trigger_id, userId: slash.user_id, origin: { channelId: slash.channel_id } };
    const answer = async (outcome: CommandOutcome) => {
      // A Slack retry of a command already applied: the first delivery answers, this one stays quiet.
      if (outcome.skipped === 'duplicate' && context.retryNum) return;
      const message = await messageWithCharts(await messageForPerson(ctx, outcome.reply, slash.user_id), outcome.reply, client, ctx.charts);
      await respond({ response_type: outcome.reply.visibility, replace_original: false, text: message.text, blocks: message.blocks });
    };
    const opened = await openFor(ctx, client, text, req);
    if (opened === 'opened') return;
    if (opened) return answer(opened);
    let command: Command;
    try {
      command = parseCommand(text);
    } catch (error) {
      if (error instanceof CommandSyntaxError) return answer({ reply: syntaxErrorReply(error) });
      throw error;
    }
    if (command.name === 'cancel' && command.confirm === undefined && command.reason === undefined) {
      const result = await openCancelConfirm(ctx, client, { ...req, campaignId: command.campaignId });
      if (result === 'opened') return;
      return answer({ ...result, reply: typedReply(result.reply, 'cancel') });
    }
    const outcome = await runCommand(ctx, command, slash.user_id, { key: `slash:${slash.trigger_id}` });
    await answer({ ...outcome, reply: typedReply(outcome.reply, executableKey(command)) });
    // An export's CSV: uploaded into the person's DM (an ephemeral answer cannot carry a file).
    if (!outcome.skipped) await shareSavedFiles(ctx, client, slash.user_id, outcome.reply);
  };
}
