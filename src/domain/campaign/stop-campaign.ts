import { assertAction, lateActionWarning, loadCampaign, transitionOrExplain, type CampaignDeps, type CampaignOutcome } from './campaign-deps.js';

/** `stop`: halt a scheduled or sending campaign before completion; it can be edited and relaunched. */
export async function stopCampaign(deps: CampaignDeps, input: { campaignId: number; actor: string; reason?: string }): Promise<CampaignOutcome> {
  const campaign = await loadCampaign(deps, input.campaignId);
  assertAction(campaign, 'stop');
  const warnings = lateActionWarning(deps, campaign, 'stopping');
  const stopped = await transitionOrExplain(
    deps,
    campaign,
    'stop',
    { name: 'stop', onlyFrom: [campaign.status] },
    'stopped',
    { statusReason: input.reason ?? 'stopped by a person', nextRunAt: null },
    { actor: input.actor, reason: input.reason ?? null },
  );
  return { campaign: stopped, warnings };
}
