import type { ChannelSpec } from '../channels/channel-spec.js';
import { campaignListId } from './campaign-list-id.js';
import type { OutboundMessage } from '../ports/channel-provider.js';
import type { ClaimedMessage, RunSnapshot } from '../ports/delivery-store.js';
import type { TemplateEngine } from '../ports/template-engine.js';
import type { SendingDetails, TemplateContent } from '../templates/template.js';
import { trackMessage, type MessageTracking } from '../tracking/track-message.js';

export interface RenderContext {
  channel: ChannelSpec;
  snapshot: RunSnapshot;
  smsTtlSeconds: number | null;
  defaultSmsSender: string | null;
  /** Signed one-click unsubscribe URL for a message, or null when Herald has no public URL. */
  unsubscribeUrl(messageId: string): string | null;
  statusCallbackUrl: string | null;
  /** The campaign's name: the readable part of the email `List-Id`. */
  campaignName: string;
  /** Open pixel and tracked links; null when the campaign turned tracking off or Herald has no public URL. */
  tracking?: MessageTracking | null;
}

/** The merge data a template sees: the contact's attributes, its addresses and the unsubscribe link. */
export function mergeData(m: Pick<ClaimedMessage, 'attributes' | 'email' | 'phone'>, unsubscribeUrl: string | null): Record<string, unknown> {
  return { ...m.attributes, email: m.email ?? '', phone: m.phone ?? '', unsubscribe_url: unsubscribeUrl ?? '' };
}

function contentFor(snapshot: RunSnapshot, variant: string | null): { content: TemplateContent; sending: SendingDetails } {
  const v = variant ? snapshot.variants?.find((x) => x.label === variant) : undefined;
  return { content: v?.content ?? snapshot.content, sending: v?.sending ?? snapshot.sending };
}

/** Renders one claimed message from the run's frozen template version (never the template as it is now). */
export async function renderMessage(engine: TemplateEngine, ctx: RenderContext, m: ClaimedMessage): Promise<OutboundMessage> {
  const message = await renderUntracked(engine, ctx, m);
  return ctx.tracking ? trackMessage(ctx.tracking, m.campaignId, message) : message;
}

async function renderUntracked(engine: TemplateEngine, ctx: RenderContext, m: ClaimedMessage): Promise<OutboundMessage> {
  const { content, sending } = contentFor(ctx.snapshot, m.variant);
  const unsubscribeUrl = ctx.unsubscribeUrl(m.id);
  const data = mergeData(m, unsubscribeUrl);
  const base = { messageId: m.id, campaignId: m.campaignId, runId: m.runId, channel: ctx.channel.name, to: m.recipient };
  if (ctx.channel.content === 'email') {
    return {
      ...base,
      from: { name: sending.fromName, address: sending.fromEmail ?? '' },
      replyTo: sending.replyTo,
      subject: await engine.render(content.subject ?? '', data),
      html: content.html ? await engine.render(content.html, data, { html: true }) : null,
      text: await engine.render(content.text, data),
      unsubscribeUrl,
      // From the run's main template, not the variant's: one campaign, one list, whatever the A/B split.
      listId: { id: campaignListId(m.campaignId, ctx.snapshot.sending.fromEmail), name: ctx.campaignName.trim() || null },
      headers: { 'X-Herald-Campaign': `C-${m.campaignId}` },
    };
  }
  return {
    ...base,
    text: await engine.render(content.text, data),
    ...(ctx.channel.sender === 'sms' ? { sender: sending.smsSender ?? ctx.defaultSmsSender ?? '' } : {}),
    ttlSeconds: ctx.channel.ttl ? ctx.smsTtlSeconds : null,
    // Our id rides along, so a receipt racing the engine's write of the provider id still matches.
    statusCallbackUrl: ctx.statusCallbackUrl ? `${ctx.statusCallbackUrl}?m=${encodeURIComponent(m.id)}` : null,
  };
}
