import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSpec } from '../../src/domain/channels/channel-spec.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../../src/domain/ports/channel-provider.js';
import { campaignStatus, createdId, importContacts, noPacing, ok, statuses } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

/**
 * A whole new channel in one adapter: web push to a push service, addressed by each contact's
 * `push_token` attribute. Nothing else in Herald changes to send campaigns through it.
 */
class PushProvider implements ChannelProvider {
  static readonly SPEC: ChannelSpec = {
    name: 'push',
    address: { attribute: 'push_token' },
    content: 'text',
    sender: 'none',
    segmented: false,
    quietHours: false,
    ttl: false,
    receipts: false,
    defaultRatePerSecond: 500,
  };
  readonly channel = 'push';
  readonly name = 'push-service';
  readonly spec = PushProvider.SPEC;
  constructor(private readonly endpoint: string) {}
  async send(message: OutboundMessage): Promise<SendResult> {
    const res = await fetch(this.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: message.to, body: message.text }) });
    if (res.status === 410) return { outcome: 'permanent', category: 'invalid_recipient', reason: 'push token expired' };
    if (!res.ok) return { outcome: 'retryable', category: 'temporary', reason: `push service answered ${res.status}` };
    return { outcome: 'sent', providerMessageId: ((await res.json()) as { id: string }).id, final: true };
  }
  segments(): number {
    return 1;
  }
  async close(): Promise<void> {}
}

describe.each(ENGINES)('a channel added as one adapter, on %s', (engine) => {
  let t: TestApp;
  let server: http.Server;
  const pushed: { token: string; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const push = JSON.parse(body) as { token: string; body: string };
        if (push.token === 'tok-expired') return res.writeHead(410).end();
        pushed.push(push);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `push-${pushed.length}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
    t = await createTestApp(engine, {}, { providers: { push: new PushProvider(endpoint) }, pacer: noPacing });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('creates templates and campaigns for it, addresses contacts by its attribute, and sends through it', async () => {
    await importContacts(t, 'AppUsers', 'email,first_name,push_token', [
      'a@push.example.com,Ada,tok-a',
      'b@push.example.com,Bo,tok-b',
      'c@push.example.com,Cy,',
      'd@push.example.com,Di,tok-a',
      'e@push.example.com,Ed,tok-expired',
    ]);
    await ok(t, 'templates create Ping --channel push --text "Hi {{ first_name }}, your order shipped"');
    const created = await ok(t, 'new --name "Shipped" --channel push --template Ping --list AppUsers');
    const id = createdId(created);
    expect(created).toMatch(/\(ready\)/);
    await ok(t, `run C-${id}`);
    await t.app.worker.drain();

    // One message per distinct token; the contact without one is not in the audience.
    expect(await statuses(t, id)).toEqual({ 'tok-a': 'delivered', 'tok-b': 'delivered', 'tok-expired': 'failed' });
    expect(pushed.map((p) => p.token).sort()).toEqual(['tok-a', 'tok-b']);
    expect(pushed.find((p) => p.token === 'tok-b')?.body).toBe('Hi Bo, your order shipped');
    expect(await campaignStatus(t, id)).toBe('completed');
  });

  it('refuses an unknown channel with the ones this Herald has, suggesting the likely one', async () => {
    const r = await t.run('new --name Typo --channel emial');
    expect(r.ok).toBe(false);
    expect(r.text).toContain('Unknown channel "emial"; did you mean "email"? This Herald sends on email, sms, push.');
    const tpl = await t.run('templates create Nope --channel fax --text hi');
    expect(tpl.text).toContain('Unknown channel "fax"');
  });
});
