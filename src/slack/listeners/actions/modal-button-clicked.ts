import type { BlockAction, BlockElementAction, Middleware, SlackActionMiddlewareArgs, webApi } from '@slack/bolt';
import { errorReply } from '../../../commands/reply.js';
import { respondPrivately } from '../../answer.js';
import { openCampaignForm, openCancelConfirm, openRetryConfirm, openScheduleForm, openTestSend, type OpenRequest, type OpenResult, type Origin } from '../../open-modals.js';
import type { SlackContext } from '../../slack-context.js';
import { campaignIdOf, isRepeatedOpen, originOf, STALE_BUTTON } from './action-payload.js';

type ModalOpener = (ctx: SlackContext, client: webApi.WebClient, req: OpenRequest & { campaignId: number }) => Promise<OpenResult>;
type ButtonListener = Middleware<SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>>;

/**
 * A button that opens a modal for the campaign it names: acked at once, a Slack retry of the same
 * click opens nothing twice, and the opener checks role and status before anything opens; what it
 * refuses is answered privately. `origin` says where the modal's result goes (by default the
 * message the button is on, which the result then replaces).
 */
export function modalButtonClicked(ctx: SlackContext, open: ModalOpener, origin: (body: BlockAction<BlockElementAction>) => Origin = originOf): ButtonListener {
  return async ({ body, ack, respond, client }) => {
    await ack();
    if (await isRepeatedOpen(ctx, body)) return;
    const campaignId = campaignIdOf(body);
    if (campaignId === null) return respondPrivately(respond, errorReply(STALE_BUTTON));
    const result = await open(ctx, client, { triggerId: body.trigger_id, userId: body.user.id, origin: origin(body), campaignId });
    if (result !== 'opened') await respondPrivately(respond, result.reply);
  };
}

/** The card's edit button: the edit form. */
export const cardEditClicked = (ctx: SlackContext) => modalButtonClicked(ctx, openCampaignForm);
/** The card's cancel button: the cancel confirmation (the id typed back). */
export const cardCancelClicked = (ctx: SlackContext) => modalButtonClicked(ctx, openCancelConfirm);
/** The card's retry button: the retry confirmation with the real count. */
export const cardRetryClicked = (ctx: SlackContext) => modalButtonClicked(ctx, openRetryConfirm);
/** The card's schedule button: the schedule form. */
export const cardScheduleClicked = (ctx: SlackContext) => modalButtonClicked(ctx, openScheduleForm);
/** The card's test button: the test-send form. */
export const cardTestClicked = (ctx: SlackContext) => modalButtonClicked(ctx, openTestSend);
/**
 * Retry failed on an alert: the same confirmation as the card's, its result told to the person
 * privately in the channel, never over the alert (the desk redraws it when the campaign moves).
 */
export const alertRetryClicked = (ctx: SlackContext) =>
  modalButtonClicked(ctx, openRetryConfirm, (body) => {
    const { channelId } = originOf(body);
    return channelId ? { channelId } : {};
  });
