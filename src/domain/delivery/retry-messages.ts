import { AppError } from '../errors.js';
import { campaignRef, type Campaign } from '../campaign/campaign.js';
import { assertAction, loadCampaign } from '../campaign/campaign-deps.js';
import type { DeliveryDeps } from './delivery-deps.js';

export interface RetryInput {
  campaignId: number;
  actor: string;
  /** Message ids as typed (M-5531 → "5531"), or every failed and unknown message. */
  messageIds: string[] | 'all';
  /** Bulk retries are confirmed (Slack: the modal; console: --confirm); one message needs no confirmation. */
  confirm: boolean;
}

export interface RetryOutcome {
  campaign: Campaign;
  /** False when only counted (asks for confirmation). */
  applied: boolean;
  retryable: number;
  byStatus: Record<string, number>;
  refused: { id: string; why: string }[];
  requeued: number;
  optedOut: number;
  warnings: string[];
}

/**
 * Retry by hand (seed 004): only while the campaign is sending or completed, only when no other
 * campaign of the same channel is sending, never for opted-out recipients; puts the campaign back to
 * sending. `unknown` messages may already have arrived, so retrying them warns about duplicates.
 */
export async function retryMessages(deps: DeliveryDeps, input: RetryInput): Promise<RetryOutcome> {
  const campaign = await loadCampaign(deps.campaign, input.campaignId);
  assertAction(campaign, 'retry');
  const other = await deps.delivery.otherSendingCampaign(campaign.id, campaign.channel);
  if (other !== null) {
    throw new AppError(
      'CONFLICT',
      `${campaignRef(other)} (${campaign.channel}) is sending now; retries wait until no other ${campaign.channel} campaign is sending.`,
      { campaignId: campaign.id, blockedBy: other },
    );
  }
  const selection = await deps.delivery.selectForRetry(campaign.id, input.messageIds);
  const byStatus: Record<string, number> = {};
  for (const m of selection.retryable) byStatus[m.status] = (byStatus[m.status] ?? 0) + 1;
  const warnings: string[] = [];
  if (byStatus.unknown) {
    warnings.push(`${byStatus.unknown} of them are unknown: the provider may already have delivered them, so those recipients may get a second copy.`);
  }
  const base = { campaign, retryable: selection.retryable.length, byStatus, refused: selection.refused, requeued: 0, optedOut: 0, warnings };
  if (selection.retryable.length === 0) {
    if (input.messageIds !== 'all' && selection.refused.length) {
      throw new AppError('INVALID_INPUT', `Nothing to retry: ${selection.refused.map((r) => `M-${r.id} ${r.why}`).join('; ')}.`, { refused: selection.refused });
    }
    return { ...base, applied: false };
  }
  const bulk = input.messageIds === 'all' || selection.retryable.length > 1;
  if (bulk && !input.confirm) return { ...base, applied: false };

  const now = deps.campaign.clock.now();
  const done = await deps.delivery.requeue(campaign.id, selection.retryable.map((m) => m.id), now);
  const detail = { requested: input.messageIds === 'all' ? 'all' : input.messageIds, requeued: done.requeued, optedOut: done.optedOut, byStatus };
  // Clears a "N unknown: check before retrying" note: the retry is what settles it.
  const result = await deps.campaign.campaigns.transition(campaign.id, { name: 'retry', onlyFrom: [campaign.status] }, 'sending', { statusReason: null }, { actor: input.actor, detail });
  if (result.outcome === 'refused' && campaign.status === 'completed') {
    throw new AppError('CONFLICT', `${campaignRef(campaign.id)} changed a moment ago; look at it again before retrying.`);
  }
  // A sending campaign paused or stopped meanwhile keeps the requeued messages for when it sends again.
  const updated = result.outcome === 'refused' ? null : result.campaign;
  deps.log('delivery.retry', { campaignId: campaign.id, by: input.actor, ...detail });
  return { ...base, campaign: updated ?? campaign, applied: true, requeued: done.requeued, optedOut: done.optedOut };
}
