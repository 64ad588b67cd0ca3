import type { Middleware, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { messageFor } from '../../blocks/campaign-card.js';
import { openFileModalFor } from '../../files/open-file-modals.js';
import { openCampaignForm, openCancelConfirm } from '../../open-modals.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';

/**
 * `/campaign new` alone, `/campaign edit C-1` alone and `/campaign cancel C-1` without --confirm open a modal;
 * so do `contacts import` alone and `templates upload [NAME]` (the upload modals, open-file-modals.ts).
 */
const NEW_ALONE = /^\s*new\s*$/i;
const EDIT_ALONE = /^\s*edit\s+(?:c-)?(\d{1,9})\s*$/i;
const CANCEL_UNCONFIRMED = /^\s*cancel\s+(?:c-)?(\d{1,9})\s*$/i;

/**
 * `/campaign …`: acknowledged at once with no body (Slack shows nothing until the answer), then the
 * command runs and the answer goes to response_url: privately or in channel as the Reply says.
 */
export function campaignCommand(ctx: SlackContext): Middleware<SlackCommandMiddlewareArgs> {
  return async ({ command, ack, respond, client, context }) => {
    await ack();
    const text = command.text ?? '';
    const origin = { channelId: command.channel_id };
    const editId = EDIT_ALONE.exec(text)?.[1];
    const cancelId = CANCEL_UNCONFIRMED.exec(text)?.[1];
    const opened = NEW_ALONE.test(text)
      ? await openCampaignForm(ctx, client, { triggerId: command.trigger_id, userId: command.user_id, origin })
      : editId
        ? await openCampaignForm(ctx, client, { triggerId: command.trigger_id, userId: command.user_id, origin, campaignId: Number(editId) })
        : cancelId
          ? await openCancelConfirm(ctx, client, { triggerId: command.trigger_id, userId: command.user_id, origin, campaignId: Number(cancelId) })
          : await openFileModalFor(ctx, client, text, { triggerId: command.trigger_id, userId: command.user_id, origin });
    if (opened === 'opened') return;
    const outcome = opened ?? (await runCommand(ctx, text, command.user_id, { key: `slash:${command.trigger_id}` }));
    // A Slack retry of a command already applied: the first delivery answers, this one stays quiet.
    if (outcome.skipped === 'duplicate' && context.retryNum) return;
    const message = messageFor(outcome.reply);
    await respond({ response_type: outcome.reply.visibility, replace_original: false, text: message.text, blocks: message.blocks });
  };
}
