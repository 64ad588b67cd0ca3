import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { buildCommand } from '../../../commands/grammar/parse-command.js';
import { errorReply } from '../../../commands/reply.js';
import { parseCampaignRef } from '../../../domain/campaign/campaign.js';
import { respondPrivately } from '../../answer.js';
import { ALERT_ACTIONS } from '../../ids.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { clickKey, STALE_BUTTON } from './action-payload.js';

const BUTTON_NAMES: Record<string, string> = {
  [ALERT_ACTIONS.approve]: 'The Approve cancel button',
  [ALERT_ACTIONS.deny]: 'The Deny button',
  [ALERT_ACTIONS.pause]: 'The Pause button',
  [ALERT_ACTIONS.resume]: 'The Resume button',
};

/**
 * Approve cancel, Deny, Pause and Resume on an alert: the typed command built from the button's
 * ids, through runCommand (the role re-checked, the press's idempotency key claimed so a Slack
 * retry or a double click applies once). The alert is not redrawn here: the change comes back as a
 * notification and the alert desk edits the alert, as it does for a slash command or the console.
 * The person who clicked hears the result privately; a retry of a press is answered once.
 */
export function alertCommandClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, respond, context }) => {
    await ack();
    const action = body.actions[0];
    const value = action && 'value' in action && typeof action.value === 'string' ? action.value : '';
    const what = BUTTON_NAMES[action?.action_id ?? ''] ?? 'That button';
    let command;
    if (action?.action_id === ALERT_ACTIONS.approve || action?.action_id === ALERT_ACTIONS.deny) {
      const id = Number(value);
      if (!Number.isInteger(id) || id <= 0) return respondPrivately(respond, errorReply('That button is out of date: the approval it names is not valid.'));
      command = buildCommand(action.action_id === ALERT_ACTIONS.approve ? 'approve' : 'deny', { approvalId: String(id) });
    } else {
      const id = parseCampaignRef(value);
      if (id === null) return respondPrivately(respond, errorReply(STALE_BUTTON));
      command = buildCommand(action?.action_id === ALERT_ACTIONS.pause ? 'pause' : 'resume', { campaignId: String(id) });
    }
    const outcome = await runCommand(ctx, command, body.user.id, { key: `alert:${clickKey(body)}`, what });
    if (outcome.skipped === 'duplicate' && context.retryNum) return;
    await respondPrivately(respond, outcome.reply);
  };
}
