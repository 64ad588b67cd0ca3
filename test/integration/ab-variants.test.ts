import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpEmailProvider } from '../../src/adapters/channels/smtp-email-provider.js';
import { startSmtpSink, type SmtpSink, type SunkMail } from '../fakes/smtp-sink.js';
import { campaignStatus, importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

const ENV = { SEND_BATCH_SIZE: '20', SEND_CONCURRENCY: '10', EMAIL_RATE_PER_SECOND: '1000' };

/** Which variant a recipient was sent, read from the mail the SMTP server received. */
async function variantsReceived(mails: SunkMail[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const m of mails) {
    const subject = (await simpleParser(m.raw)).subject ?? '';
    const label = /^Variant (\w+) /.exec(subject)?.[1];
    if (!label) throw new Error(`unexpected subject ${subject}`);
    out.set(m.to, label);
  }
  return out;
}

const share = (labels: Iterable<string>, label: string): number => {
  const all = [...labels];
  return all.filter((l) => l === label).length / all.length;
};

describe.each(ENGINES)('A/B variants on %s', (engine) => {
  let t: TestApp;
  let sink: SmtpSink;
  let provider: SmtpEmailProvider;

  beforeAll(async () => {
    sink = await startSmtpSink();
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 5, dkim: null });
    t = await createTestApp(engine, ENV, { providers: { email: provider }, pacer: noPacing });
    await ok(t, 'templates create TA --channel email --subject "Variant A for {{ first_name }}" --text "A body" --from-email news@example.com');
    await ok(t, 'templates create TB --channel email --subject "Variant B for {{ first_name }}" --text "B body" --from-email news@example.com');
    await ok(t, 'templates create TC --channel email --subject "Variant C for {{ first_name }}" --text "C body" --from-email news@example.com');
  });
  afterAll(async () => {
    await t?.close();
    await provider?.close();
    await sink?.close();
  });

  it('splits a run between its variants in proportion to the weights, and each recipient gets the content of the variant recorded', async () => {
    await importContacts(t, 'Split', 'email,first_name', Array.from({ length: 300 }, (_, i) => `s${i}@split.example.com,S${i}`));
    const id = Number(/Created C-(\d+)/.exec(await ok(t, 'new --name Split --channel email --list Split --variant A:TA:70 --variant B:TB:30'))![1]);
    await ok(t, `run C-${id}`);
    await t.app.worker.drain();
    expect(await campaignStatus(t, id)).toBe('completed');

    const received = await variantsReceived(sink.mails.filter((m) => m.to.endsWith('@split.example.com')));
    expect(received.size).toBe(300);
    expect([...sink.perRecipient().entries()].filter(([to]) => to.endsWith('@split.example.com')).every(([, n]) => n === 1)).toBe(true);
    // 70/30 on 300 recipients: within 6 points (about 2.3 standard deviations of a fair 70/30 draw).
    expect(share(received.values(), 'A')).toBeGreaterThanOrEqual(0.64);
    expect(share(received.values(), 'A')).toBeLessThanOrEqual(0.76);
    // The ledger says which variant each recipient got, and it is the one they received.
    const ledger = await t.app.delivery.delivery.listMessages({ campaignId: id, page: 1, pageSize: 500 });
    expect(ledger.total).toBe(300);
    for (const m of ledger.items) expect(m.variant, m.recipient).toBe(received.get(m.recipient));
  });
});
