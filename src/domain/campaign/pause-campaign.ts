import { assertAction, lateActionWarning, loadCampaign, transitionOrExplain, type CampaignDeps, type CampaignOutcome } from './campaign-deps.js';

/** `pause`: hold a scheduled, queued or sending campaign; `resume` returns it where it was. */
export async function pauseCampaign(deps: CampaignDeps, input: { campaignId: number; actor: string; reason?: string }): Promise<CampaignOutcome> {
  const campaign = await loadCampaign(deps, input.campaignId);
  assertAction(campaign, 'pause');
  const warnings = lateActionWarning(deps, campaign, 'pausing');
  const paused = await transitionOrExplain(
    deps,
    campaign,
    'pause',
    { name: 'pause', onlyFrom: [campaign.status] },
    'paused',
    { resumeTo: campaign.status, statusReason: input.reason ?? null },
    { actor: input.actor, reason: input.reason ?? null },
  );
  return { campaign: paused, warnings };
}
