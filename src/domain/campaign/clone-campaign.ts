import { campaignRef, missingForReady } from './campaign.js';
import { loadCampaign, type CampaignDeps, type CampaignOutcome } from './campaign-deps.js';
import { NAME_MAX } from './campaign-settings.js';
import { AppError } from '../errors.js';

/** `clone`: an exact copy of the settings as a new draft or ready campaign; the copy is never launched. */
export async function cloneCampaign(deps: CampaignDeps, input: { campaignId: number; actor: string; name?: string }): Promise<CampaignOutcome> {
  const source = await loadCampaign(deps, input.campaignId);
  const name = (input.name ?? `${source.name} (copy)`).trim().slice(0, NAME_MAX);
  if (!name) throw new AppError('INVALID_INPUT', 'The name must not be empty.', { field: 'name' });
  const { id, status, resumeTo, statusReason, statusDetails, nextRunAt, createdBy, createdAt, updatedAt, clonedFromId, version, ...settings } = source;
  const sendAtPassed = settings.sendAt !== null && settings.sendAt.getTime() <= deps.clock.now().getTime();
  const copy = { ...settings, name, sendAt: sendAtPassed ? null : settings.sendAt };
  const missing = missingForReady(copy);
  const campaign = await deps.campaigns.create(
    { ...copy, status: missing.length ? 'draft' : 'ready', createdBy: input.actor, clonedFromId: source.id },
    { actor: input.actor, action: 'clone', detail: { from: campaignRef(source.id) } },
  );
  const warnings = sendAtPassed ? ['The original send time has passed, so the copy has none: schedule it.'] : [];
  return { campaign, warnings };
}
