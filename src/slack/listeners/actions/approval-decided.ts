import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { buildCommand } from '../../../commands/grammar/parse-command.js';
import { postResult } from '../../answer.js';
import { HOME_ACTIONS } from '../../ids.js';
import { publishHome } from '../../publish-home.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { containerKey } from './action-payload.js';

/**
 * Approve / Deny on a pending cancel: the typed `approve` or `deny` command through the command layer, which
 * checks the approval is still pending and that the decider is not the requester; the role
 * (approver) is re-checked here. The Home tab is then refreshed and the result sent to the DM;
 * the requester hears the decision from the alert desk (alerts/alert-desk.ts), as for every other way of deciding.
 */
export function approvalDecided(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, client, context }) => {
    await ack();
    const action = body.actions[0];
    const id = Number(action && 'value' in action ? action.value : NaN);
    if (!action || !Number.isInteger(id) || id <= 0) return;
    const verb = action.action_id === HOME_ACTIONS.approve ? 'approve' : 'deny';
    const outcome = await runCommand(ctx, buildCommand(verb, { approvalId: String(id) }), body.user.id, { key: `approval:${id}:${containerKey(body)}`, what: `The ${verb} button` });
    // A Slack retry of a decision already taken: the first delivery answers, this one stays quiet.
    if (outcome.skipped === 'duplicate' && context.retryNum) return;
    await postResult(client, body.user.id, {}, outcome.reply, { updateCard: false });
    if (body.container?.type === 'view') await publishHome(ctx, client, body.user.id);
  };
}
