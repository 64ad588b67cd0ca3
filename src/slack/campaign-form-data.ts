import type { Campaign } from '../domain/campaign/campaign.js';
import type { CampaignDeps } from '../domain/campaign/campaign-deps.js';
import type { FormInitial } from './blocks/modals/campaign-form.js';

/** The campaign with its ids turned into the names the form shows and the grammar takes. */
export async function formInitialFor(deps: CampaignDeps, campaign: Campaign): Promise<FormInitial> {
  const segmentName = async (id: number) => (await deps.contacts.getSegment(id))?.name ?? `#${id}`;
  const templateName = async (id: number) => (await deps.templates.get(id))?.name ?? `#${id}`;
  return {
    campaign,
    template: campaign.templateId !== null ? await templateName(campaign.templateId) : null,
    list: campaign.listId !== null ? ((await deps.contacts.getList(campaign.listId))?.name ?? null) : null,
    include: await Promise.all(campaign.includeSegmentIds.map(segmentName)),
    exclude: await Promise.all(campaign.excludeSegmentIds.map(segmentName)),
    variants: await Promise.all(campaign.variants.map(async (v) => `${v.label}:${await templateName(v.templateId)}:${v.weight}`)),
  };
}
