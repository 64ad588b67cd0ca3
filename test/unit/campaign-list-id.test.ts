import { describe, expect, it } from 'vitest';
import { LiquidTemplateEngine } from '../../src/adapters/templating/liquid-template-engine.js';
import { EMAIL_CHANNEL, SMS_CHANNEL } from '../../src/domain/channels/channel-spec.js';
import { campaignListId } from '../../src/domain/delivery/campaign-list-id.js';
import { renderMessage, type RenderContext } from '../../src/domain/delivery/render-message.js';
import type { ClaimedMessage, RunSnapshot } from '../../src/domain/ports/delivery-store.js';

describe('campaignListId (RFC 2919)', () => {
  it.each([
    ['news@example.com', 'c-1042.herald.example.com'],
    ['News@Mail.Example.COM', 'c-1042.herald.mail.example.com'],
    // List-Id is ASCII: an internationalised sending domain goes out in its punycode form.
    ['news@bücher.example', 'c-1042.herald.xn--bcher-kva.example'],
    // No usable domain: RFC 2919's namespace for lists without one.
    [null, 'c-1042.herald.localhost'],
    ['', 'c-1042.herald.localhost'],
    ['no-at-sign', 'c-1042.herald.localhost'],
    ['news@[192.0.2.1]', 'c-1042.herald.localhost'],
    ['news@exa mple.com', 'c-1042.herald.localhost'],
  ])('from %j -> %s', (from, id) => {
    expect(campaignListId(1042, from)).toBe(id);
  });
});

describe('renderMessage gives campaign mail its List-Id', () => {
  const sending = { fromName: 'Shop', fromEmail: 'news@shop.example.com', replyTo: null, smsSender: null };
  const snapshot: RunSnapshot = {
    templateId: 1,
    templateName: 'Winter',
    version: 1,
    content: { subject: 'Hi {{ first_name }}', html: '<p>Hi</p>', text: 'Hi' },
    sending,
    variants: [{ label: 'B', templateId: 2, weight: 1, content: { subject: 'Hey', html: null, text: 'Hey' }, sending: { ...sending, fromEmail: 'b@other.example.org' } }],
  };
  const m: ClaimedMessage = {
    id: '77', runId: 5, campaignId: 1042, contactId: 9, recipient: 'ada@example.org', variant: null, attempts: 1,
    attributes: { first_name: 'Ada' }, email: 'ada@example.org', phone: null, timeZone: null, suppressed: false,
  };
  const ctx = (over: Partial<RenderContext> = {}): RenderContext => ({
    channel: EMAIL_CHANNEL, snapshot, campaignName: 'Winter sale', smsTtlSeconds: null, defaultSmsSender: null, unsubscribeUrl: () => 'https://h.example.com/u/t', statusCallbackUrl: null, ...over,
  });
  const engine = new LiquidTemplateEngine();

  it('names the list after the campaign, on the sending domain', async () => {
    const message = await renderMessage(engine, ctx({ campaignName: 'Winter sale' }), m);
    expect(message.listId).toEqual({ id: 'c-1042.herald.shop.example.com', name: 'Winter sale' });
  });
  it('keeps one id for every variant of the campaign, whatever its sender', async () => {
    const message = await renderMessage(engine, ctx({ campaignName: 'Winter sale' }), { ...m, variant: 'B' });
    expect(message.from?.address).toBe('b@other.example.org');
    expect(message.listId).toEqual({ id: 'c-1042.herald.shop.example.com', name: 'Winter sale' });
  });
  it('leaves the readable part out when the name is blank', async () => {
    expect((await renderMessage(engine, ctx({ campaignName: '  ' }), m)).listId?.name).toBeNull();
  });
  it('gives SMS none', async () => {
    const sms = await renderMessage(engine, ctx({ channel: SMS_CHANNEL, campaignName: 'Winter sale' }), { ...m, recipient: '+14155550100' });
    expect(sms.listId).toBeUndefined();
  });
});
