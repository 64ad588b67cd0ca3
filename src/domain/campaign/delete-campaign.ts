import { assertAction, loadCampaign, raceLost, type CampaignDeps } from './campaign-deps.js';

/** `delete`: hides the campaign from lists; its messages and activity stay for the record. */
export async function deleteCampaign(deps: CampaignDeps, input: { campaignId: number; actor: string }): Promise<void> {
  const campaign = await loadCampaign(deps, input.campaignId);
  assertAction(campaign, 'delete');
  const deleted = await deps.campaigns.softDelete(campaign.id, [campaign.status], { actor: input.actor, action: 'delete' });
  if (!deleted) throw raceLost(await loadCampaign(deps, campaign.id), 'delete');
}
