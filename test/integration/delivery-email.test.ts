import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpEmailProvider } from '../../src/adapters/channels/smtp-email-provider.js';
import { deliveryTick } from '../../src/domain/delivery/delivery-tick.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp-sink.js';
import { campaignStatus, createdId, importContacts, noPacing, ok, statuses } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

const ENV = {
  SEND_BATCH_SIZE: '10',
  SEND_CONCURRENCY: '5',
  EMAIL_RATE_PER_SECOND: '1000',
  RETRY_BASE_SECONDS: '60',
  MAX_SEND_ATTEMPTS: '3',
  ERROR_BUDGET_PERCENT: '50',
  ERROR_BUDGET_MIN_ATTEMPTS: '6',
};

describe.each(ENGINES)('email delivery on %s', (engine) => {
  let t: TestApp;
  let sink: SmtpSink;
  let provider: SmtpEmailProvider;

  beforeAll(async () => {
    sink = await startSmtpSink();
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 5, dkim: null });
    t = await createTestApp(engine, ENV, { providers: { email: provider }, pacer: noPacing, random: () => 0.5 });
    t.app.setPublicBaseUrl('https://herald.example.com');
    await ok(t, 'templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}, bye: {{ unsubscribe_url }}" --html "<p>Hello {{ first_name }}</p>" --from-email news@example.com --from-name "News"');
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
    await sink.close();
  });

  it('sends every recipient exactly once, renders merge fields, signs the one-click unsubscribe, and completes', async () => {
    const rows = Array.from({ length: 23 }, (_, i) => `u${i}@ok.example.com,U${i}`);
    await importContacts(t, 'Happy', 'email,first_name', [...rows, 'escape@ok.example.com,<b>Bob</b>']);
    await ok(t, 'new --name Happy --channel email --template Welcome --list Happy');
    const id = 1001;
    await ok(t, `run C-${id}`);
    expect(await campaignStatus(t, id)).toBe('queued');
    await t.app.worker.drain();

    expect(await campaignStatus(t, id)).toBe('completed');
    expect(Object.values(await statuses(t, id))).toEqual(Array(24).fill('delivered'));
    const mine = sink.mails.filter((m) => m.to.endsWith('@ok.example.com'));
    expect(mine).toHaveLength(24);
    expect([...sink.perRecipient().values()].every((n) => n === 1)).toBe(true);

    const bob = await simpleParser(mine.find((m) => m.to === 'escape@ok.example.com')!.raw);
    expect(bob.subject).toBe('Hi <b>Bob</b>');
    expect(bob.html).toContain('&lt;b&gt;Bob&lt;/b&gt;');
    const raw = mine.find((m) => m.to === 'escape@ok.example.com')!.raw;
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    // RFC 2919: one list id per campaign, on the sending domain (the readable name comes with it
    // once the sending loop passes the campaign's name to rendering).
    expect(raw).toMatch(/^List-ID: "Happy" <c-1001\.herald\.example\.com>\r?$/m);
    const url = /^List-Unsubscribe: <([^>]+)>/m.exec(raw)![1]!;
    expect(url).toMatch(/^https:\/\/herald\.example\.com\/u\//);
    const messageId = t.app.signer.verify('unsubscribe', url.split('/u/')[1]!);
    const row = await t.app.delivery.delivery.findMessage(messageId!);
    expect(row?.recipient).toBe('escape@ok.example.com');
    expect(bob.text).toContain(url);

    const activity = await t.run(`activity C-${id}`);
    expect(activity.text).toMatch(/start_sending/);
    expect(activity.text).toMatch(/complete\s+sending -> completed/);
  });

  it('retries deferrals with back-off, fails and suppresses hard bounces, and retries failed messages by hand', async () => {
    await importContacts(t, 'Mixed', 'email,first_name', ['fine@mixed.example.com,F', 'busy@mixed.example.com,B', 'gone@mixed.example.com,G', 'odd@mixed.example.com,O']);
    sink.verdict = (to) =>
      to === 'busy@mixed.example.com'
        ? { code: 450, text: '4.2.0 Mailbox busy, try again later' }
        : to === 'gone@mixed.example.com'
          ? { code: 550, text: '5.1.1 No such user here' }
          : to === 'odd@mixed.example.com'
            ? { code: 553, text: '5.3.0 Other mail system problem' }
            : 'accept';
    await ok(t, 'new --name Mixed --channel email --template Welcome --list Mixed');
    const id = 1002;
    await ok(t, `run C-${id}`);
    await t.app.worker.drain();
    expect(await statuses(t, id)).toEqual({
      'fine@mixed.example.com': 'delivered',
      'busy@mixed.example.com': 'retrying',
      'gone@mixed.example.com': 'bounced',
      'odd@mixed.example.com': 'failed',
    });
    expect(await campaignStatus(t, id)).toBe('sending');
    expect(await t.app.stores.suppressions.find('gone@mixed.example.com')).toMatchObject({ reason: 'hard_bounce' });

    // The deferral is retried only after its back-off, and then it goes.
    sink.verdict = () => 'accept';
    await t.app.worker.drain();
    expect((await statuses(t, id))['busy@mixed.example.com']).toBe('retrying');
    t.clock.advance(3_600_000);
    await t.app.worker.drain();
    expect((await statuses(t, id))['busy@mixed.example.com']).toBe('delivered');
    expect(await campaignStatus(t, id)).toBe('completed');

    const listed = await t.run(`messages C-${id} --status failed`);
    expect(listed.text).toContain('odd@mixed.example.com');
    expect(listed.text).toContain('provider_error');

    // Bulk retry asks first, then puts the campaign back to sending; the bounced one is not retried.
    const ask = await t.run(`retry C-${id} --all`);
    expect(ask.text).toMatch(/Retry 1 message of C-1002 \(1 failed\)\?/);
    expect(await campaignStatus(t, id)).toBe('completed');
    const done = await t.run(`retry C-${id} --all --confirm`);
    expect(done.ok).toBe(true);
    expect(await campaignStatus(t, id)).toBe('sending');
    await t.app.worker.drain();
    expect(await statuses(t, id)).toMatchObject({ 'odd@mixed.example.com': 'delivered', 'gone@mixed.example.com': 'bounced' });
    expect(await campaignStatus(t, id)).toBe('completed');
    const refused = await t.run(`retry C-${id} --message ${(await t.app.delivery.delivery.listMessages({ campaignId: id, status: 'bounced', page: 1, pageSize: 5 })).items[0]!.id}`);
    expect(refused.ok).toBe(false);
    expect(refused.text).toMatch(/only failed and unknown messages are retried/);
  });

  it('stops claiming within one batch when paused, and resumes where it stopped', async () => {
    await importContacts(t, 'Paced', 'email,first_name', Array.from({ length: 30 }, (_, i) => `p${i}@paced.example.com,P${i}`));
    await ok(t, 'new --name Paced --channel email --template Welcome --list Paced');
    const id = 1003;
    await ok(t, `run C-${id}`);
    await t.app.worker.runOnce(); // nothing yet: the tick has not started it
    const { deliveryTick } = await import('../../src/domain/delivery/delivery-tick.js');
    await deliveryTick(t.app.delivery);
    await t.app.worker.runOnce(); // one batch of 10
    await ok(t, `pause C-${id} --reason "checking the copy"`);
    await t.app.worker.drain();
    const afterPause = Object.values(await statuses(t, id));
    expect(afterPause.filter((s) => s === 'delivered')).toHaveLength(10);
    expect(afterPause.filter((s) => s === 'queued')).toHaveLength(20);
    await ok(t, `resume C-${id}`);
    await t.app.worker.drain();
    expect(Object.values(await statuses(t, id))).toEqual(Array(30).fill('delivered'));
    expect(await campaignStatus(t, id)).toBe('completed');
  });

  it('suspends a campaign whose error budget is spent, with the reason, and resumes it once fixed', async () => {
    await importContacts(t, 'Broken', 'email,first_name', Array.from({ length: 20 }, (_, i) => `b${i}@broken.example.com,B${i}`));
    sink.verdict = (to) => (to.endsWith('@broken.example.com') ? { code: 554, text: '5.7.1 Message rejected as spam' } : 'accept');
    await ok(t, 'new --name Broken --channel email --template Welcome --list Broken');
    const id = 1004;
    await ok(t, `run C-${id}`);
    await t.app.worker.drain();
    const campaign = await t.app.deps.campaigns.get(id);
    expect(campaign?.status).toBe('suspended');
    expect(campaign?.statusReason).toMatch(/error budget spent: 10 of 10 attempts failed/);
    const counts = await t.app.delivery.delivery.counts(id);
    expect(counts).toEqual({ blocked: 10, queued: 10 });

    sink.verdict = () => 'accept';
    await ok(t, `resume C-${id}`);
    await t.app.worker.drain();
    expect(await t.app.delivery.delivery.counts(id)).toEqual({ blocked: 10, delivered: 10 });
    expect(await campaignStatus(t, id)).toBe('completed');
  });

  it('stops within one batch; a relaunch sends only to those the stopped run did not reach', async () => {
    const { deliveryTick } = await import('../../src/domain/delivery/delivery-tick.js');
    await importContacts(t, 'Halted', 'email,first_name', Array.from({ length: 25 }, (_, i) => `h${i}@halted.example.com,H${i}`));
    const created = await ok(t, 'new --name Halted --channel email --template Welcome --list Halted');
    const id = createdId(created);
    await ok(t, `run C-${id}`);
    await deliveryTick(t.app.delivery);
    await t.app.worker.runOnce(); // one batch of 10
    await ok(t, `stop C-${id} --reason "wrong offer"`);
    await t.app.worker.drain();
    expect(Object.values(await statuses(t, id)).filter((s) => s === 'delivered')).toHaveLength(10);
    const relaunch = await ok(t, `relaunch C-${id}`);
    expect(relaunch).toMatch(/ready/);
    t.clock.advance(60_000);
    const run2 = await ok(t, `run C-${id}`);
    expect(run2).toMatch(/run 2 has 15 messages; 10 recipients were left out because an earlier run already reached them/);
    await t.app.worker.drain();
    const received = sink.perRecipient();
    const halted = [...received.entries()].filter(([to]) => to.endsWith('@halted.example.com'));
    expect(halted).toHaveLength(25);
    expect(halted.every(([, n]) => n === 1)).toBe(true);
    expect(await campaignStatus(t, id)).toBe('completed');
  });

  it('shares a run between several concurrent lanes without sending anyone twice', async () => {
    await importContacts(t, 'Lanes', 'email,first_name', Array.from({ length: 60 }, (_, i) => `l${i}@lanes.example.com,L${i}`));
    const created = await ok(t, 'new --name Lanes --channel email --template Welcome --list Lanes');
    const id = createdId(created);
    await ok(t, `run C-${id}`);
    // Concurrent claims, sends and writes on one database.
    await t.app.worker.drain({ lanes: 4 });
    expect(Object.values(await statuses(t, id))).toEqual(Array(60).fill('delivered'));
    const lanes = [...sink.perRecipient().entries()].filter(([to]) => to.endsWith('@lanes.example.com'));
    expect(lanes).toHaveLength(60);
    expect(lanes.every(([, n]) => n === 1)).toBe(true);
    expect(await campaignStatus(t, id)).toBe('completed');
  });

  it('prebuilds a scheduled campaign at the lead time and sends it at its send time, not before', async () => {
    const { deliveryTick } = await import('../../src/domain/delivery/delivery-tick.js');
    t.clock.set(new Date('2026-12-01T00:00:00Z'));
    await importContacts(t, 'Later', 'email,first_name', ['l1@later.example.com,L1', 'l2@later.example.com,L2']);
    const created = await ok(t, 'new --name Later --channel email --template Welcome --list Later');
    const id = createdId(created);
    await ok(t, `schedule C-${id} --at "2026-12-02 09:00" --tz UTC`);
    await t.app.worker.drain();
    expect(await campaignStatus(t, id)).toBe('scheduled');
    t.clock.set(new Date('2026-12-01T21:00:01Z')); // within PREBUILD_LEAD_HOURS (12 h)
    await deliveryTick(t.app.delivery);
    expect(await campaignStatus(t, id)).toBe('queued');
    expect(Object.values(await statuses(t, id))).toEqual(['queued', 'queued']);
    await t.app.worker.drain();
    expect(Object.values(await statuses(t, id))).toEqual(['queued', 'queued']);
    t.clock.set(new Date('2026-12-02T09:00:00Z'));
    await t.app.worker.drain();
    expect(Object.values(await statuses(t, id))).toEqual(['delivered', 'delivered']);
    expect(await campaignStatus(t, id)).toBe('completed');
  });

  it('gives a recurring campaign a new run with its own messages at each firing', async () => {
    const { deliveryTick } = await import('../../src/domain/delivery/delivery-tick.js');
    t.clock.set(new Date('2026-12-10T00:00:00Z'));
    await importContacts(t, 'Weekly', 'email,first_name', ['w1@weekly.example.com,W1', 'w2@weekly.example.com,W2']);
    const created = await ok(t, 'new --name Weekly --channel email --template Welcome --list Weekly');
    const id = createdId(created);
    await ok(t, `schedule C-${id} --cron "0 9 * * *" --tz UTC`);
    const before = sink.mails.filter((m) => m.to.endsWith('@weekly.example.com')).length;
    for (const day of ['2026-12-10', '2026-12-11']) {
      t.clock.set(new Date(`${day}T09:00:00Z`));
      await deliveryTick(t.app.delivery);
      await t.app.worker.drain();
      const campaign = await t.app.deps.campaigns.get(id);
      expect(campaign?.status).toBe('scheduled');
      expect(campaign?.nextRunAt?.toISOString()).toBe(new Date(new Date(`${day}T09:00:00Z`).getTime() + 86_400_000).toISOString());
    }
    const runs = await t.db.prisma.run.findMany({ where: { campaignId: id }, orderBy: { number: 'asc' } });
    expect(runs.map((r) => [r.number, r.status, r.audienceCount])).toEqual([
      [1, 'completed', 2],
      [2, 'completed', 2],
    ]);
    const counts = await t.db.prisma.$queryRaw<{ run: number; n: number }[]>`
      SELECT r.number AS run, count(*)::int AS n FROM message m JOIN run r ON r.id = m.run_id
      WHERE r.campaign_id = ${id} AND m.status = 'delivered' GROUP BY r.number ORDER BY r.number`;
    expect(counts).toEqual([{ run: 1, n: 2 }, { run: 2, n: 2 }]);
    expect(sink.mails.filter((m) => m.to.endsWith('@weekly.example.com')).length - before).toBe(4);
  });

  it('finishes a retry whose process stopped between re-queueing the messages and re-opening the campaign', async () => {
    await importContacts(t, 'Halfway', 'email,first_name', ['x1@halfway.example.com,X1', 'x2@halfway.example.com,X2']);
    sink.verdict = (to) => (to === 'x2@halfway.example.com' ? { code: 553, text: '5.3.0 Other mail system problem' } : 'accept');
    const created = await ok(t, 'new --name Halfway --channel email --template Welcome --list Halfway');
    const id = createdId(created);
    await ok(t, `run C-${id}`);
    await t.app.worker.drain();
    expect(await campaignStatus(t, id)).toBe('completed');
    sink.verdict = () => 'accept';
    // Only the first half of a retry: the messages and their run are re-opened, the campaign is not.
    const failed = (await t.app.delivery.delivery.selectForRetry(id, 'all')).retryable.map((m) => m.id);
    await t.app.delivery.delivery.requeue(id, failed, t.clock.now());
    await t.app.worker.drain();
    expect(await statuses(t, id)).toEqual({ 'x1@halfway.example.com': 'delivered', 'x2@halfway.example.com': 'delivered' });
    expect(await campaignStatus(t, id)).toBe('completed');
  });

  it('after a lapsed lease, puts claimed-only messages back in the queue and marks only handed-over ones unknown, then says so', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => `l${i}@lapsed.example.com,L${i}`);
    await importContacts(t, 'Lapsed', 'email,first_name', rows);
    const created = await ok(t, 'new --name Lapsed --channel email --template Welcome --list Lapsed');
    const id = createdId(created);
    await ok(t, `run C-${id}`);
    await deliveryTick(t.app.delivery); // starts sending
    const store = t.app.delivery.delivery;
    const [run] = await store.activeRuns('email');
    // A worker on another host claims the whole run, hands two messages over, answers one, then vanishes.
    const ghost = 'elsewhere:4242:dead';
    const claimed = await store.claim(run!.runId, ghost, t.clock.now(), 60_000, 10);
    expect(claimed).toHaveLength(6);
    const [answered, inDoubt] = claimed;
    expect(await store.writeLedger(t.clock.now(), { handOvers: [{ id: answered!.id, owner: ghost }, { id: inDoubt!.id, owner: ghost }], outcomes: [] })).toHaveLength(2);
    await store.writeLedger(t.clock.now(), { handOvers: [], outcomes: [{ runId: run!.runId, owner: ghost, outcome: { id: answered!.id, status: 'delivered', sent: true } }] });
    // Someone else's claim is not ours to hand over.
    expect(await store.writeLedger(t.clock.now(), { handOvers: [{ id: claimed[2]!.id, owner: 'another:1:x' }], outcomes: [] })).toEqual([]);

    const sentBefore = sink.mails.length;
    t.clock.advance(60_001);
    await t.app.worker.drain();
    const after = await statuses(t, id);
    expect(after[inDoubt!.recipient]).toBe('unknown');
    expect(Object.values(after).filter((s) => s === 'delivered')).toHaveLength(5);
    // The four that were only claimed went out once, now, counted as their first attempt.
    const resent = sink.mails.slice(sentBefore).map((m) => m.to).sort();
    expect(resent).toEqual(claimed.slice(2).map((m) => m.recipient).sort());
    const attempts = await t.db.prisma.$queryRaw<{ attempts: number }[]>`SELECT attempts FROM message WHERE campaign_id = ${id} AND recipient = ANY(${resent}::text[])`;
    expect(attempts.map((a) => a.attempts)).toEqual([1, 1, 1, 1]);

    expect(await campaignStatus(t, id)).toBe('completed');
    const shown = await t.run(`show C-${id}`);
    expect(shown.text).toMatch(/Status:\s+completed, 1 unknown: check before retrying/);
    expect(shown.text).not.toContain('every message attempted');
    expect((await t.run(`list --search Lapsed`)).text).toContain('completed, 1 unknown: check before retrying');
    // A retry settles the doubt: the campaign sends again and no longer carries the note.
    await ok(t, `retry C-${id} --all --confirm`);
    expect((await t.run(`show C-${id}`)).text).toMatch(/Status:\s+sending — messages going out/);
    await t.app.worker.drain();
    expect((await t.run(`show C-${id}`)).text).toMatch(/Status:\s+completed — every message attempted/);
  });

  it('previews with sample data or a real contact, and sends a test outside the ledger', async () => {
    const preview = await t.run('preview C-1001 --contact u3@ok.example.com');
    expect(preview.text).toMatch(/Subject:\s+Hi U3/);
    expect(preview.text).toMatch(/From:\s+News <news@example.com>/);
    const before = sink.mails.length;
    const test = await t.run('test C-1001 --to QA@Example.com');
    expect(test.ok).toBe(true);
    expect(sink.mails.length).toBe(before + 1);
    const mail = await simpleParser(sink.mails.at(-1)!.raw);
    expect(mail.subject).toBe('[TEST] Hi Ada');
    expect(sink.mails.at(-1)!.to).toBe('qa@example.com');
    expect(Object.keys(await statuses(t, 1001))).not.toContain('qa@example.com');
  });
});
