import { AppError } from '../errors.js';
import { channelSpec } from '../channels/channel-spec.js';
import { campaignRef, type Campaign } from '../campaign/campaign.js';
import { loadCampaign } from '../campaign/campaign-deps.js';
import type { OutboundMessage } from '../ports/channel-provider.js';
import type { ClaimedMessage, RunSnapshot } from '../ports/delivery-store.js';
import type { DeliveryDeps } from './delivery-deps.js';
import { renderMessage } from './render-message.js';

/** Sample merge data when no contact is named: every attribute reads as its own name in brackets. */
const SAMPLE_ATTRIBUTES = { first_name: 'Ada', last_name: 'Lovelace', name: 'Ada Lovelace' };

/**
 * The campaign's message as a recipient would get it: the run's frozen template when it has been
 * built, else the template as it is now; merge fields from a real contact or sample data.
 */
export async function previewMessage(
  deps: DeliveryDeps,
  input: { campaignId: number; contact?: string; to?: string },
): Promise<{ campaign: Campaign; message: OutboundMessage; contactLabel: string }> {
  const campaign = await loadCampaign(deps.campaign, input.campaignId);
  const snapshot = await currentContent(deps, campaign);
  let attributes: Record<string, string> = SAMPLE_ATTRIBUTES;
  let email: string | null = 'ada@example.com';
  let phone: string | null = '+14155550100';
  let contactLabel = 'sample data (no contact named)';
  if (input.contact) {
    const contact = await deps.campaign.contacts.findContact(input.contact);
    if (!contact) throw new AppError('NOT_FOUND', `No contact has the address ${input.contact}.`);
    ({ attributes, email, phone } = contact);
    contactLabel = contact.email ?? contact.phone ?? input.contact;
  }
  const spec = channelSpec(deps.campaign.config.channels, campaign.channel);
  const to = input.to ?? ('field' in spec.address ? (spec.address.field === 'email' ? email : phone) : attributes[spec.address.attribute]) ?? '';
  const m: ClaimedMessage = { id: 'preview', runId: 0, campaignId: campaign.id, contactId: 0, recipient: to, variant: null, attempts: 0, attributes, email, phone, timeZone: null, suppressed: false };
  const message = await renderMessage(deps.campaign.templateEngine, {
    channel: spec,
    snapshot,
    smsTtlSeconds: campaign.smsTtlSeconds,
    defaultSmsSender: deps.campaign.config.defaultSmsSender,
    unsubscribeUrl: () => (spec.content === 'email' ? deps.links.unsubscribeUrl('0') : null),
    statusCallbackUrl: null,
    campaignName: campaign.name,
  }, m);
  return { campaign, message, contactLabel };
}

async function currentContent(deps: DeliveryDeps, campaign: Campaign): Promise<RunSnapshot> {
  const templateId = campaign.templateId ?? campaign.variants[0]?.templateId;
  if (templateId === undefined) throw new AppError('INCOMPLETE', `${campaignRef(campaign.id)} has no template to preview: give it one first.`, { field: 'template' });
  const template = await deps.campaign.templates.get(templateId);
  if (!template || template.deletedAt) throw new AppError('NOT_FOUND', `The template of ${campaignRef(campaign.id)} was deleted.`);
  return { templateId: template.id, templateName: template.name, version: template.currentVersion, content: template.content, sending: template.sending };
}
