import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpEmailProvider } from '../../src/adapters/channels/smtp-email-provider.js';
import { deliveryTick } from '../../src/domain/delivery/delivery-tick.js';
import { startSmtpSink, type SmtpSink, type SunkMail } from '../fakes/smtp-sink.js';
import { campaignStatus, createdId, importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

const BATCH = 20;
const ENV = { SEND_BATCH_SIZE: String(BATCH), SEND_CONCURRENCY: '10', EMAIL_RATE_PER_SECOND: '1000' };

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

  it('splits a run between its variants in proportion to the weights when it is built', async () => {
    await importContacts(t, 'Split', 'email,first_name', Array.from({ length: 300 }, (_, i) => `s${i}@split.example.com,S${i}`));
    const id = createdId(await ok(t, 'new --name Split --channel email --list Split --variant A:TA:70 --variant B:TB:30'));
    expect(await ok(t, `run C-${id}`)).toMatch(/run 1 has 300 messages/);
    const ledger = await t.app.delivery.delivery.listMessages({ campaignId: id, page: 1, pageSize: 500 });
    expect(ledger.total).toBe(300);
    expect(new Set(ledger.items.map((m) => m.variant))).toEqual(new Set(['A', 'B']));
    // 70/30 on 300 recipients: within 6 points (about 2.3 standard deviations of a fair 70/30 draw).
    expect(share(ledger.items.map((m) => m.variant!), 'A')).toBeGreaterThanOrEqual(0.64);
    expect(share(ledger.items.map((m) => m.variant!), 'A')).toBeLessThanOrEqual(0.76);
    // (The next test checks that each recipient receives the content of the variant recorded.)
    await ok(t, `cancel C-${id} --confirm C-${id}`);
  });

  it('a ratio-only edit while sending applies to the rest of the run and changes nothing else', async () => {
    await importContacts(t, 'Ratio', 'email,first_name', Array.from({ length: 200 }, (_, i) => `r${i}@ratio.example.com,R${i}`));
    const id = createdId(await ok(t, 'new --name Ratio --channel email --list Ratio --variant A:TA:50 --variant B:TB:50'));
    await ok(t, `run C-${id}`);
    await deliveryTick(t.app.delivery);
    expect(await campaignStatus(t, id)).toBe('sending');
    await t.app.worker.runOnce(); // one batch goes out at 50/50
    const mine = () => sink.mails.filter((m) => m.to.endsWith('@ratio.example.com'));
    const sentBefore = mine().length;
    expect(sentBefore).toBe(BATCH);
    const before = (await t.app.deps.campaigns.get(id))!;

    // Anything but the ratio is locked while sending.
    const withTemplate = await t.run(`edit C-${id} --variant A:TA:90 --variant B:TC:10`);
    expect(withTemplate.ok).toBe(false);
    expect(withTemplate.text).toMatch(/Only the variant ratio can change now/);
    expect((await t.run(`edit C-${id} --variant A:TA:90 --variant B:TB:10 --name Renamed`)).ok).toBe(false);

    const edited = await t.run(`edit C-${id} --variant A:TA:90 --variant B:TB:10`);
    expect(edited.ok, edited.text).toBe(true);
    expect(edited.text).toMatch(/Status:\s+sending/);
    await t.app.worker.drain();
    expect(await campaignStatus(t, id)).toBe('completed');

    const all = mine();
    expect(all).toHaveLength(200);
    expect(new Set(all.map((m) => m.to)).size).toBe(200);
    const after = await variantsReceived(all.slice(sentBefore));
    // The rest of the run (180 recipients) follows 90/10: within 7 points.
    expect(share(after.values(), 'A')).toBeGreaterThanOrEqual(0.83);
    expect(share(after.values(), 'A')).toBeLessThanOrEqual(0.97);
    // What went out before the edit went out as it was: the first batch was about even.
    const first = await variantsReceived(all.slice(0, sentBefore));
    expect(share(first.values(), 'A')).toBeLessThan(0.83);

    // Nothing else changed: same settings but the weights, one run, one message per recipient, one entry.
    const now = (await t.app.deps.campaigns.get(id))!;
    const settings = (c: typeof now) => ({ ...c, status: null, version: null, updatedAt: null, variants: c.variants.map((v) => ({ label: v.label, templateId: v.templateId })) });
    expect(settings(now)).toEqual(settings(before));
    expect(now.variants.map((v) => v.weight)).toEqual([90, 10]);
    const ledger = await t.app.delivery.delivery.listMessages({ campaignId: id, page: 1, pageSize: 500 });
    expect(ledger.total).toBe(200);
    expect(new Set(ledger.items.map((m) => m.runNumber))).toEqual(new Set([1]));
    const received = await variantsReceived(all);
    for (const m of ledger.items) expect(m.variant, m.recipient).toBe(received.get(m.recipient));
    const entries = (await t.app.deps.campaigns.activity(id, 100)).filter((a) => a.action === 'edit_ratio');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.detail).toMatchObject({ changed: ['variants'] });
  });
});
