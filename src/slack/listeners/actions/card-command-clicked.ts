import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorReply } from '../../../commands/reply.js';
import { buildCommand } from '../../../commands/grammar/parse-command.js';
import { replaceCard, respondPrivately } from '../../answer.js';
import { messageFor } from '../../blocks/campaign-card.js';
import { messageWithCharts } from '../../charts/message-with-charts.js';
import { CARD_ACTIONS, DIRECT_CARD_ACTIONS } from '../../ids.js';
import { shareSavedFiles } from '../../files/share-saved-files.js';
import { runCommand } from '../../run-command.js';
import type { SlackContext } from '../../slack-context.js';
import { campaignIdOf, clickKey, STALE_BUTTON } from './action-payload.js';

type Direct = (typeof DIRECT_CARD_ACTIONS)[number];
const BY_ACTION_ID = new Map<string, Direct>(DIRECT_CARD_ACTIONS.map((a) => [CARD_ACTIONS[a], a]));
/** These answer with something new (a preview, a file, another campaign), not a changed card. */
const ANSWERS_APART: readonly Direct[] = ['preview', 'stats', 'export', 'clone'];

/**
 * A card button that maps to one command (pause, run, … of the campaign in its value), built typed
 * from the button's ids: ack, then the command layer
 * re-checks role and the campaign's current status, and the card is replaced in place. The
 * idempotency key is the press itself (card, card version, button, person: see clickKey), so a
 * Slack retry or a double click applies once; a retry is answered by the first delivery alone.
 */
export function cardCommandClicked(ctx: SlackContext): Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>> {
  return async ({ body, ack, respond, context, client }) => {
    await ack();
    const action = BY_ACTION_ID.get(body.actions[0]?.action_id ?? '');
    const id = campaignIdOf(body);
    if (!action || id === null) return respondPrivately(respond, errorReply(STALE_BUTTON));
    const outcome = await runCommand(ctx, buildCommand(action, { campaignId: String(id) }), body.user.id, { key: `btn:${clickKey(body)}`, what: `The ${action} button` });
    if (outcome.skipped === 'duplicate' && context.retryNum) return;
    if (!outcome.reply.ok || outcome.skipped || ANSWERS_APART.includes(action)) {
      // Stats carries charts: drawn, uploaded and shown as for the typed /campaign stats.
      await respondPrivately(respond, outcome.reply, await messageWithCharts(messageFor(outcome.reply), outcome.reply, client, ctx.charts));
      // The Export button's CSV goes to the person's DM, under a copy of the answer.
      if (!outcome.skipped) await shareSavedFiles(ctx, client, body.user.id, outcome.reply);
      return;
    }
    await replaceCard(respond, outcome.reply);
  };
}
