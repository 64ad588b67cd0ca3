import { AppError } from '../errors.js';
import { missingForReady, type CampaignSettings, type Channel } from './campaign.js';
import type { CampaignDeps, CampaignOutcome } from './campaign-deps.js';
import { resolveSettings, type SettingsInput } from './campaign-settings.js';

/** `new`: a draft until it has a template and a list, then ready. Never launches by itself. */
export async function createCampaign(
  deps: CampaignDeps,
  input: SettingsInput & { name: string; channel: Channel; actor: string },
): Promise<CampaignOutcome> {
  if (!input.name?.trim()) throw new AppError('INVALID_INPUT', 'A campaign needs a name.', { field: 'name' });
  const resolved = await resolveSettings(deps, input);
  const settings: CampaignSettings = {
    name: resolved.name!,
    description: resolved.description ?? '',
    tags: resolved.tags ?? [],
    channel: input.channel,
    launchType: resolved.launchType ?? null,
    sendAt: resolved.sendAt ?? null,
    timeZone: resolved.timeZone ?? null,
    cron: resolved.cron ?? null,
    ifLate: resolved.ifLate ?? 'send_late',
    templateId: resolved.templateId ?? null,
    listId: resolved.listId ?? null,
    includeSegmentIds: resolved.includeSegmentIds ?? [],
    excludeSegmentIds: resolved.excludeSegmentIds ?? [],
    oneTimeFilter: resolved.oneTimeFilter ?? null,
    smsTtlSeconds: resolved.smsTtlSeconds ?? null,
    tracking: resolved.tracking ?? true,
    variants: resolved.variants ?? [],
  };
  const missing = missingForReady(settings);
  const campaign = await deps.campaigns.create(
    { ...settings, status: missing.length ? 'draft' : 'ready', createdBy: input.actor, clonedFromId: null },
    { actor: input.actor, action: 'create', reason: missing.length ? `draft: needs ${missing.join(' and ')}` : null },
  );
  return { campaign, warnings: missing.length ? [`Saved as a draft: it still needs ${missing.join(' and ')}.`] : [] };
}
