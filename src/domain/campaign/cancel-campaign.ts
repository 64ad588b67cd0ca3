import { AppError } from '../errors.js';
import type { Approval } from '../ports/approval-store.js';
import { campaignRef, parseCampaignRef, type Campaign } from './campaign.js';
import { TRANSITIONS } from './campaign-status.js';
import {
  assertAction,
  lateActionWarning,
  loadCampaign,
  transitionOrExplain,
  type CampaignDeps,
  type CampaignOutcome,
} from './campaign-deps.js';

export interface CancelOutcome extends CampaignOutcome {
  /** Set when the cancel waits for a second person (the campaign is sending). */
  approval?: Approval;
}

/**
 * `cancel`: terminal. The person types the campaign id back to confirm (seed 002). Near the send time
 * or while sending the reply warns that it is not guaranteed; a sending campaign needs an approver
 * other than the requester, so the request waits in `approvals` until decided or expired.
 */
export async function cancelCampaign(
  deps: CampaignDeps,
  input: { campaignId: number; actor: string; confirm?: string; reason?: string },
): Promise<CancelOutcome> {
  const campaign = await loadCampaign(deps, input.campaignId);
  assertAction(campaign, 'cancel');
  const ref = campaignRef(campaign.id);
  const warnings = lateActionWarning(deps, campaign, 'cancelling');
  if (input.confirm === undefined || input.confirm.trim() === '') {
    throw new AppError(
      'CONFIRMATION_REQUIRED',
      `Cancelling ${ref} "${campaign.name}" cannot be undone.`,
      { campaignId: campaign.id, warnings, field: 'confirm', confirmWith: ref },
    );
  }
  if (parseCampaignRef(input.confirm) !== campaign.id) {
    throw new AppError(
      'CONFIRMATION_MISMATCH',
      `The id you typed ("${input.confirm.trim()}") is not ${ref}; nothing was cancelled. Type ${ref} exactly to confirm.`,
      { campaignId: campaign.id, field: 'confirm' },
    );
  }
  const now = deps.clock.now();
  if (campaign.status === 'sending') {
    const pending = await deps.approvals.pendingFor(campaign.id, now);
    const approval =
      pending ??
      (await deps.approvals.create({
        campaignId: campaign.id,
        action: 'cancel',
        requestedBy: input.actor,
        reason: input.reason ?? null,
        requestedAt: now,
        expiresAt: new Date(now.getTime() + deps.config.approvalTtlMs),
      }));
    if (!pending) {
      await deps.campaigns.update(campaign.id, ['sending'], {}, {
        actor: input.actor,
        action: 'cancel_requested',
        reason: input.reason ?? null,
        detail: { approvalId: approval.id, expiresAt: approval.expiresAt.toISOString() },
      });
    }
    // Told at every request while it is pending, and the same each time (the request's own words and
    // time): if the first was lost (the process died between the approval's insert and its
    // notification), asking again reaches the approvers; where it did reach them, the alerts channel
    // shows it once (the alert desk keeps the notifications each alert shows).
    deps.notifier.notify({
      kind: 'approval.requested',
      approvalId: approval.id,
      campaignId: campaign.id,
      campaignName: campaign.name,
      requestedBy: approval.requestedBy,
      reason: approval.reason,
      expiresAt: approval.expiresAt,
      at: approval.requestedAt,
    });
    return { campaign, warnings, approval };
  }
  const cancelled = await transitionOrExplain(
    deps,
    campaign,
    'cancel',
    { name: 'cancel', onlyFrom: [campaign.status] },
    'cancelled',
    { statusReason: input.reason ?? 'cancelled by a person', nextRunAt: null, resumeTo: null },
    { actor: input.actor, reason: input.reason ?? null },
  );
  return { campaign: cancelled, warnings };
}

/** `approve` / `deny` a pending cancel. The approver must be someone other than the requester. */
export async function decideApproval(
  deps: CampaignDeps,
  input: { approvalId: number; actor: string; decision: 'approved' | 'denied'; reason?: string },
): Promise<CancelOutcome> {
  const approval = await deps.approvals.get(input.approvalId);
  if (!approval) throw new AppError('NOT_FOUND', `Approval A-${input.approvalId} does not exist.`);
  const now = deps.clock.now();
  if (approval.status !== 'pending') {
    throw new AppError('CONFLICT', `Approval A-${approval.id} was already ${approval.status}${approval.decidedBy ? ` by ${approval.decidedBy}` : ''}.`, {
      people: approval.decidedBy ? [approval.decidedBy] : [],
    });
  }
  if (approval.expiresAt.getTime() <= now.getTime()) {
    const expired = await deps.approvals.decide(approval.id, 'expired', null, now);
    if (expired) await recordExpiry(deps, expired, now);
    throw new AppError('CONFLICT', `Approval A-${approval.id} expired at ${approval.expiresAt.toISOString()}; ask for the cancel again.`);
  }
  if (approval.requestedBy === input.actor) {
    throw new AppError('FORBIDDEN', `You asked for this cancel, so someone else must ${input.decision === 'approved' ? 'approve' : 'deny'} it.`);
  }
  const campaign = await loadCampaign(deps, approval.campaignId);
  if (input.decision === 'approved') assertAction(campaign, 'cancel');
  const decided = await deps.approvals.decide(approval.id, input.decision, input.actor, now);
  if (!decided) throw new AppError('CONFLICT', `Approval A-${approval.id} was decided by someone else a moment ago.`);
  tellDecision(deps, campaign, decided);
  if (input.decision === 'denied') {
    await deps.campaigns.update(campaign.id, [campaign.status], {}, {
      actor: input.actor,
      action: 'cancel_denied',
      reason: input.reason ?? null,
      detail: { approvalId: approval.id, requestedBy: approval.requestedBy },
    });
    return { campaign: (await deps.campaigns.get(campaign.id)) ?? campaign, warnings: [], approval: decided };
  }
  const cancelled = await applyApprovedCancel(deps, campaign, decided);
  return { campaign: cancelled, warnings: lateActionWarning(deps, campaign, 'cancelling'), approval: decided };
}

/** The decision, told the same way each time (at the decision's own time): a repeat changes no alert. */
function tellDecision(deps: CampaignDeps, campaign: Campaign, decided: Approval): void {
  deps.notifier.notify({
    kind: 'approval.decided',
    approvalId: decided.id,
    campaignId: campaign.id,
    campaignName: campaign.name,
    decision: decided.status === 'approved' ? 'approved' : 'denied',
    decidedBy: decided.decidedBy!,
    requestedBy: decided.requestedBy,
    at: decided.decidedAt!,
  });
}

/** The cancel an approval decided, written for its approver. */
function applyApprovedCancel(deps: CampaignDeps, campaign: Campaign, approval: Approval, detail: Record<string, unknown> = {}): Promise<Campaign> {
  return transitionOrExplain(
    deps,
    campaign,
    'cancel',
    { name: 'cancel' },
    'cancelled',
    { statusReason: approval.reason ?? `cancel requested by ${approval.requestedBy}`, nextRunAt: null, resumeTo: null },
    { actor: approval.decidedBy!, reason: approval.reason, detail: { approvalId: approval.id, requestedBy: approval.requestedBy, ...detail } },
  );
}

/**
 * Approved cancels that were never applied: the approver's process stopped after recording the
 * decision and before cancelling (or telling anyone). The approval-expiry job finishes them every
 * minute: the cancel is written for the approver (the activity entry says the scheduler finished
 * it), and the decision is told again, the same notification as the first (an alert that already
 * shows it changes nothing). Answers the approvals finished; one that cannot be finished is left for
 * the next minute and named in the error thrown once the others are done.
 */
export async function finishApprovedCancels(deps: CampaignDeps): Promise<Approval[]> {
  const finished: Approval[] = [];
  const failures: string[] = [];
  for (const approval of await deps.approvals.approvedNotApplied(TRANSITIONS.cancel.from)) {
    try {
      const campaign = await loadCampaign(deps, approval.campaignId);
      tellDecision(deps, campaign, approval);
      await applyApprovedCancel(deps, campaign, approval, { finishedBy: 'system:scheduler' });
      finished.push(approval);
    } catch (error) {
      failures.push(`A-${approval.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`approved cancels not finished: ${failures.join('; ')}`);
  return finished;
}

/**
 * Approval requests whose time ran out are closed as `expired` (the approval-expiry job, every
 * minute): the activity log and whoever listens are told. Each request is closed by one conditional
 * write, so two replicas running the job close it once.
 */
export async function expireApprovals(deps: CampaignDeps): Promise<Approval[]> {
  const now = deps.clock.now();
  const expired = await deps.approvals.expireDue(now);
  for (const approval of expired) await recordExpiry(deps, approval, now);
  return expired;
}

async function recordExpiry(deps: CampaignDeps, approval: Approval, now: Date): Promise<void> {
  const campaign = await deps.campaigns.get(approval.campaignId);
  if (campaign) {
    await deps.campaigns.update(campaign.id, [campaign.status], {}, {
      actor: 'system:scheduler',
      action: 'cancel_request_expired',
      reason: `nobody decided before ${approval.expiresAt.toISOString()}`,
      detail: { approvalId: approval.id, requestedBy: approval.requestedBy },
    });
  }
  deps.notifier.notify({
    kind: 'approval.expired',
    approvalId: approval.id,
    campaignId: approval.campaignId,
    campaignName: campaign?.name ?? campaignRef(approval.campaignId),
    requestedBy: approval.requestedBy,
    expiresAt: approval.expiresAt,
    at: now,
  });
}
