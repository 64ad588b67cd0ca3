import { AppError } from '../errors.js';
import { loadCampaign } from '../campaign/campaign-deps.js';
import { channelSpec, type ChannelSpec } from '../channels/channel-spec.js';
import { normalizeEmail, normalizePhone } from '../contacts/contact-row.js';
import type { SendResult } from '../ports/channel-provider.js';
import type { DeliveryDeps } from './delivery-deps.js';
import { previewMessage } from './preview-message.js';

/**
 * `test`: one message to an address, outside the campaign's audience, ledger and metrics; the subject
 * is marked [TEST]. Goes through the real provider and its pacing.
 */
export async function sendTestMessage(deps: DeliveryDeps, input: { campaignId: number; to: string; actor: string }): Promise<{ result: SendResult; to: string; channel: string }> {
  const campaign = await loadCampaign(deps.campaign, input.campaignId);
  const spec = channelSpec(deps.campaign.config.channels, campaign.channel);
  const to = testRecipient(spec, input.to);
  const { message } = await previewMessage(deps, { campaignId: input.campaignId, to });
  const provider = deps.providers[campaign.channel];
  if (!provider) throw new AppError('NOT_AVAILABLE', `No ${campaign.channel} provider is configured.`);
  const test = { ...message, messageId: `test-${campaign.id}`, subject: message.subject !== undefined ? `[TEST] ${message.subject}` : undefined, unsubscribeUrl: null, statusCallbackUrl: null };
  await deps.pacer.acquire(campaign.channel, spec.segmented ? provider.segments(test.text) : 1);
  const result = await provider.send(test);
  deps.log('delivery.test_send', { campaignId: campaign.id, by: input.actor, channel: campaign.channel, outcome: result.outcome });
  return { result, to, channel: campaign.channel };
}

/**
 * The address a test goes to, normalized for the channel, or INVALID_INPUT on the field `to`. Cheap and
 * without I/O, so an edge can check the address before it answers and sends (Slack: the modal's
 * field error comes in the ack, the send after it).
 */
export function testRecipient(spec: ChannelSpec, raw: string): string {
  const field = 'field' in spec.address ? spec.address.field : null;
  const to = field === 'email' ? normalizeEmail(raw) : field === 'phone' ? normalizePhone(raw) : raw.trim() || null;
  if (!to) {
    throw new AppError(
      'INVALID_INPUT',
      field === 'email' ? `"${raw}" is not an email address.` : field === 'phone' ? `"${raw}" is not a phone number in E.164 form (+14155550123).` : 'The test address is empty.',
      { field: 'to' },
    );
  }
  return to;
}
