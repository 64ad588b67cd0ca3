import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TwilioSmsProvider } from '../../src/adapters/channels/twilio-sms-provider.js';
import type { OutboundMessage } from '../../src/domain/ports/channel-provider.js';
import { startFakeTwilioServer, type FakeTwilioServer } from '../fakes/twilio-server.js';

function sms(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return { messageId: '1', campaignId: 1001, runId: 1, channel: 'sms', to: '+14155550100', text: 'Winter sale: 20% off today', sender: '+15005550006', ...overrides };
}

describe('TwilioSmsProvider against a fake Twilio (real twilio client, real HTTP)', () => {
  let fake: FakeTwilioServer;
  let provider: TwilioSmsProvider;

  beforeAll(async () => {
    fake = await startFakeTwilioServer();
    provider = new TwilioSmsProvider({ accountSid: fake.accountSid, authToken: fake.authToken, apiBaseUrl: fake.url });
  });
  afterAll(async () => {
    await provider?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  it('sends To, Body, From, ValidityPeriod and StatusCallback with the account credentials', async () => {
    const result = await provider.send(sms({ ttlSeconds: 3600, statusCallbackUrl: 'https://herald.example.com/webhooks/twilio/status' }));
    expect(result).toMatchObject({ outcome: 'sent', final: false, segments: 1, costMicros: null });
    expect(result.outcome === 'sent' && result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request).toMatchObject({ method: 'POST', path: `/2010-04-01/Accounts/${fake.accountSid}/Messages.json`, authorized: true });
    expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(request.form).toEqual({
      To: '+14155550100',
      Body: 'Winter sale: 20% off today',
      From: '+15005550006',
      ValidityPeriod: '3600',
      StatusCallback: 'https://herald.example.com/webhooks/twilio/status',
    });
  });

  it('uses MessagingServiceSid for an MG sender and omits optional fields', async () => {
    const service = `MG${'0'.repeat(32)}`;
    const result = await provider.send(sms({ sender: service }));
    expect(result.outcome).toBe('sent');
    expect(fake.requests[0]!.form).toEqual({ To: '+14155550100', Body: 'Winter sale: 20% off today', MessagingServiceSid: service });
  });

  it('reports Twilio segments and price as micros', async () => {
    fake.setPrice('-0.00790');
    const long = 'x'.repeat(200);
    const result = await provider.send(sms({ text: long }));
    expect(result).toMatchObject({ outcome: 'sent', segments: 2, costMicros: 7900 });
    expect(provider.segments(long)).toBe(2);
    expect(provider.segments('Emoji 🎉')).toBe(1);
  });

  it('caps a TTL over Twilio’s maximum and refuses a TTL below one second without calling Twilio', async () => {
    await provider.send(sms({ ttlSeconds: 86_400 }));
    expect(fake.requests[0]!.form.ValidityPeriod).toBe('36000');
    fake.reset();
    expect(await provider.send(sms({ ttlSeconds: 0 }))).toMatchObject({ outcome: 'permanent', category: 'configuration' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses to send without any sender', async () => {
    expect(await provider.send(sms({ sender: undefined }))).toMatchObject({ outcome: 'permanent', category: 'configuration' });
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [{ status: 429, code: 20429 }, 'retryable', 'rate_limited'],
    [{ status: 500, code: 20500 }, 'permanent', 'ambiguous'],
    [{ status: 400, code: 21610 }, 'permanent', 'opted_out'],
    [{ status: 400, code: 21211 }, 'permanent', 'invalid_recipient'],
    [{ status: 400, code: 21606 }, 'permanent', 'configuration'],
    // The request reached the server before the connection dropped: it may have been sent.
    [{ drop: true as const }, 'permanent', 'ambiguous'],
  ])('maps the fault %j to %s %s', async (fault, outcome, category) => {
    fake.failNext(fault);
    expect(await provider.send(sms())).toMatchObject({ outcome, category });
    // Faults are consumed in order: the next send goes through.
    expect((await provider.send(sms())).outcome).toBe('sent');
    expect(fake.requests).toHaveLength(2);
  });

  it('carries a 429 Retry-After to the engine', async () => {
    fake.failNext({ status: 429, code: 20429, retryAfter: '7' });
    expect(await provider.send(sms())).toMatchObject({ outcome: 'retryable', category: 'rate_limited', retryAfterMs: 7000 });
  });

  it('maps a wrong auth token (401) to an account problem', async () => {
    const wrong = new TwilioSmsProvider({ accountSid: fake.accountSid, authToken: 'not-the-token', apiBaseUrl: fake.url });
    try {
      const result = await wrong.send(sms());
      expect(result).toMatchObject({ outcome: 'permanent', category: 'account' });
      expect(result.outcome !== 'sent' && result.reason).toContain('20003');
      expect(fake.requests[0]!.authorized).toBe(false);
    } finally {
      await wrong.close();
    }
  });

  it('maps a refused connection to a retryable connection failure', async () => {
    // A port that was just free: nothing listens there any more.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const down = new TwilioSmsProvider({ accountSid: fake.accountSid, authToken: fake.authToken, apiBaseUrl: `http://127.0.0.1:${port}` });
    try {
      expect(await down.send(sms())).toMatchObject({ outcome: 'retryable', category: 'connection' });
    } finally {
      await down.close();
    }
  });
});
