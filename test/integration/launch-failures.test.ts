import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createCommandHandler } from '../../src/commands/handle-command.js';
import { renderText } from '../../src/console/render-text.js';
import { editCampaign } from '../../src/domain/campaign/edit-campaign.js';
import { EMAIL_CHANNEL, type ChannelSpec } from '../../src/domain/channels/channel-spec.js';
import { deliveryTick } from '../../src/domain/delivery/delivery-tick.js';
import type { ChannelProvider, SendResult } from '../../src/domain/ports/channel-provider.js';
import { buildApp } from '../../src/wiring.js';
import { createdId, importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

/** A provider that is never asked to send here: launch checks decide before anything goes out. */
function provider(spec: ChannelSpec): ChannelProvider {
  return {
    channel: spec.name,
    spec,
    name: `${spec.name}-stub`,
    send: async (): Promise<SendResult> => ({ outcome: 'sent', providerMessageId: null, final: true }),
    segments: () => 1,
    close: async () => {},
  };
}
const PUSH: ChannelSpec = { ...EMAIL_CHANNEL, name: 'push', address: { attribute: 'push_token' }, content: 'text', sender: 'none' };

/**
 * One test per reason a launch fails (src/domain/campaign/launch-validation.ts), each reached the
 * way a person would reach it, through the commands. Two codes cannot be reached that way and are
 * covered by the unit test only: MISSING_AUDIENCE (a campaign without a list is a draft, and a draft
 * cannot launch) and TEMPLATE_CHANNEL (every edit that could pair a campaign with a template of the
 * other channel is refused when it is made, see the last test).
 */
describe.each(ENGINES)('launch failures on %s', (engine) => {
  let t: TestApp;
  const created = async (line: string): Promise<number> => createdId(await ok(t, line));

  /** The campaign failed with `code`, says why, built no message and logged the failed launch. */
  async function expectFailed(id: number, reply: { ok: boolean; text: string }, code: string, message: RegExp): Promise<void> {
    expect(reply.text).toMatch(/Status:\s+failed/);
    expect(reply.text).toContain(`[${code}]`);
    expect(reply.text).toMatch(message);
    const campaign = (await t.app.deps.campaigns.get(id))!;
    expect(campaign.status).toBe('failed');
    expect(campaign.statusDetails?.map((r) => r.code)).toContain(code);
    expect(await t.app.deps.campaigns.messageCounts(id)).toEqual({});
    const failed = (await t.app.deps.campaigns.activity(id, 50)).filter((a) => a.action === 'launch_failed');
    expect(failed).toHaveLength(1);
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { CONTENT_BLOCKLIST: 'miracle cure' }, { providers: { email: provider(EMAIL_CHANNEL), push: provider(PUSH) }, pacer: noPacing });
    await importContacts(t, 'People', 'email,phone,first_name,country,plan', [
      'ann@example.com,+14155550101,Ann,FR,pro',
      'bob@example.com,+14155550102,Bob,US,free',
      'cy@example.com,,Cy,FR,free',
    ]);
    await importContacts(t, 'Mailonly', 'email,first_name', ['dee@example.com,Dee', 'eve@example.com,Eve']);
    await ok(t, 'templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}" --from-email news@example.com');
  });
  afterAll(async () => t?.close());

  it('UNKNOWN_CHANNEL: a campaign on a channel whose provider is no longer configured', async () => {
    await importContacts(t, 'Apps', 'email,push_token', ['ann@example.com,tok-a']);
    await ok(t, 'templates create Ping --channel push --text "Your order shipped"');
    const id = await created('new --name Shipped --channel push --template Ping --list Apps');
    // Herald restarted without the push adapter, on the same database.
    const restarted = await buildApp(loadConfig({ ACCOUNT_TIME_ZONE: 'UTC', HERALD_DATA_DIR: t.dataDir }), {
      database: t.db,
      clock: t.clock,
      providers: { email: provider(EMAIL_CHANNEL) },
      pacer: noPacing,
      log: () => {},
    });
    try {
      const handle = createCommandHandler(restarted, { error: () => {} });
      const reply = renderText(await handle(`run C-${id}`, { id: 'alice' }));
      await expectFailed(id, { ok: true, text: reply }, 'UNKNOWN_CHANNEL', /no provider sends on the "push" channel/);
    } finally {
      await restarted.close();
    }
  });

  it('MISSING_TEMPLATE: a copy of a cancelled campaign whose template was deleted since', async () => {
    await ok(t, 'templates create Old --channel email --subject "Old" --text "Old news" --from-email news@example.com');
    const original = await created('new --name Original --channel email --template Old --list People');
    const at = new Date(t.clock.now().getTime() + 3 * 86_400_000).toISOString();
    await ok(t, `schedule C-${original} --at ${at}`);
    await ok(t, `cancel C-${original} --confirm C-${original}`);
    // The only campaign using it is cancelled, so the template may go.
    await ok(t, 'templates delete Old');
    const copy = Number(/into C-(\d+)/.exec(await ok(t, `clone C-${original} --name Copy`))![1]);
    await expectFailed(copy, await t.run(`run C-${copy}`), 'MISSING_TEMPLATE', /the template "Old" was deleted/);
  });

  it('MISSING_SENDER: an email template without a from address, an SMS template without a sender', async () => {
    await ok(t, 'templates create Anonymous --channel email --subject "Hi" --text "Hello"');
    const email = await created('new --name NoFrom --channel email --template Anonymous --list People');
    await expectFailed(email, await t.run(`run C-${email}`), 'MISSING_SENDER', /template "Anonymous" needs a from address/);

    // No TWILIO_FROM / TWILIO_MESSAGING_SERVICE_SID is configured here either.
    await ok(t, 'templates create Texty --channel sms --text "Hello {{ first_name }}"');
    const sms = await created('new --name NoSender --channel sms --template Texty --list People');
    await expectFailed(sms, await t.run(`run C-${sms}`), 'MISSING_SENDER', /template "Texty" needs an SMS sender/);

    // Fixed on the template, the failed campaign relaunches (it is manual: back to ready) and runs.
    await ok(t, 'templates edit Anonymous --from-email news@example.com --confirm');
    expect(await ok(t, `relaunch C-${email}`)).toMatch(/Status:\s+ready/);
    expect(await ok(t, `run C-${email}`)).toMatch(/queued: run 1 has 3 messages/);
  });

  it('MISSING_SUBJECT: an email template without a subject', async () => {
    await ok(t, 'templates create Blank --channel email --text "Hello" --from-email news@example.com');
    const id = await created('new --name NoSubject --channel email --template Blank --list People');
    await expectFailed(id, await t.run(`run C-${id}`), 'MISSING_SUBJECT', /template "Blank" has no subject/);
  });

  it('TEMPLATE_SYNTAX: a template whose merge fields do not parse (saved by an older Herald, before saves were checked)', async () => {
    const saved = await t.run('templates create Broken --channel email --subject "Hi" --text "Hello {{ first_name" --from-email news@example.com');
    expect(saved.ok).toBe(false);
    expect(saved.text).toMatch(/^Invalid input \(--text\): The text body has a merge-field error/);
    await ok(t, 'templates create Legacy --channel email --subject "Hi" --text "Hello" --from-email news@example.com');
    const legacy = (await t.app.deps.templates.findByName('Legacy'))!;
    await t.app.deps.templates.update(legacy.id, { content: { ...legacy.content, text: 'Hello {{ first_name' }, actor: 'older-herald' });
    const id = await created('new --name Legacy --channel email --template Legacy --list People');
    await expectFailed(id, await t.run(`run C-${id}`), 'TEMPLATE_SYNTAX', /template "Legacy" does not parse/);
  });

  it('DELETED_LIST: the list is deleted after scheduling; the scheduler fails it at prebuild, before the send time', async () => {
    await importContacts(t, 'Doomed', 'email,first_name', ['z1@example.com,Z', 'z2@example.com,Y']);
    const id = await created('new --name Doomed --channel email --template Welcome --list Doomed');
    const sendAt = new Date(t.clock.now().getTime() + 2 * 86_400_000);
    await ok(t, `schedule C-${id} --at ${sendAt.toISOString()}`);
    const deleted = await ok(t, 'lists delete Doomed');
    expect(deleted).toContain(`will fail at launch with "deleted list" until edited: C-${id}`);
    const before = t.clock.now();
    try {
      t.clock.set(new Date(sendAt.getTime() - t.app.config.prebuildLeadMs));
      await deliveryTick(t.app.delivery);
      await expectFailed(id, { ok: true, text: await ok(t, `show C-${id}`) }, 'DELETED_LIST', /contact list "Doomed" was deleted/);
      expect((await t.app.deps.campaigns.activity(id, 50)).find((a) => a.action === 'launch_failed')?.actor).toBe('system:scheduler');
    } finally {
      t.clock.set(before);
    }
  });

  it('DELETED_SEGMENT: an include or exclude segment deleted after the campaign was set up', async () => {
    await ok(t, 'segments create Pro --where plan=pro');
    await ok(t, 'segments create Free --where plan=free');
    const include = await created('new --name WithPro --channel email --template Welcome --list People --include Pro');
    const exclude = await created('new --name WithoutFree --channel email --template Welcome --list People --exclude Free');
    await ok(t, 'segments delete Pro');
    await ok(t, 'segments delete Free');
    await expectFailed(include, await t.run(`run C-${include}`), 'DELETED_SEGMENT', /segment "Pro" was deleted/);
    await expectFailed(exclude, await t.run(`run C-${exclude}`), 'DELETED_SEGMENT', /segment "Free" was deleted/);
  });

  it('CONFLICTING_RULES: the same rule on both sides, and excludes that remove every included contact', async () => {
    await ok(t, 'segments create French --where country=FR');
    await ok(t, 'segments create Francophone --where country=FR');
    await ok(t, 'segments create Everyone --where has:email');
    const sameRule = await created('new --name SameRule --channel email --template Welcome --list People --include French --exclude Francophone');
    await expectFailed(sameRule, await t.run(`run C-${sameRule}`), 'CONFLICTING_RULES', /exclude segment "Francophone" has the same rule as include segment "French"/);
    const removesAll = await created('new --name RemovesAll --channel email --template Welcome --list People --include French --exclude Everyone');
    await expectFailed(removesAll, await t.run(`run C-${removesAll}`), 'CONFLICTING_RULES', /the exclude segments remove every included contact/);
    // Schedule runs the same checks.
    const scheduled = await created('new --name SameSegment --channel email --template Welcome --list People --include French --exclude French');
    const at = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    await expectFailed(scheduled, await t.run(`schedule C-${scheduled} --at ${at}`), 'CONFLICTING_RULES', /segment "French" is both included and excluded/);
  });

  it('EMPTY_AUDIENCE: nobody with a phone number, an include segment nobody matches, a filter nobody matches, everyone opted out', async () => {
    await ok(t, 'templates create Sms --channel sms --text "Hello" --sms-sender +14155550199');
    const noPhone = await created('new --name NoPhones --channel sms --template Sms --list Mailonly');
    await expectFailed(noPhone, await t.run(`run C-${noPhone}`), 'EMPTY_AUDIENCE', /no contact in the list has a phone number/);

    await ok(t, 'segments create German --where country=DE');
    const nobody = await created('new --name Germans --channel email --template Welcome --list People --include German');
    await expectFailed(nobody, await t.run(`run C-${nobody}`), 'EMPTY_AUDIENCE', /no contact matches the include segments/);

    const filtered = await created('new --name Enterprise --channel email --template Welcome --list People --filter plan=enterprise');
    await expectFailed(filtered, await t.run(`run C-${filtered}`), 'EMPTY_AUDIENCE', /no contact in the list matches the one-time filter/);

    for (const address of ['dee@example.com', 'eve@example.com']) await t.app.stores.suppressions.add({ address, reason: 'unsubscribe', source: 'test' });
    const optedOut = await created('new --name OptedOut --channel email --template Welcome --list Mailonly');
    await expectFailed(optedOut, await t.run(`run C-${optedOut}`), 'EMPTY_AUDIENCE', /every contact in the audience is on the suppression list/);
  });

  it('VARIANT_RATIO: variant weights that add up to zero (the grammar refuses a 0 weight; the use case is the last word)', async () => {
    expect((await t.run('new --name Zero --channel email --list People --variant A:Welcome:0 --variant B:Welcome:0')).text).toMatch(/--variant/);
    const id = await created('new --name Split --channel email --list People --variant A:Welcome:50 --variant B:Welcome:50');
    await editCampaign(t.app.deps, {
      campaignId: id,
      actor: 'alice',
      variants: [
        { label: 'A', template: 'Welcome', weight: 0 },
        { label: 'B', template: 'Welcome', weight: 0 },
      ],
    });
    await expectFailed(id, await t.run(`run C-${id}`), 'VARIANT_RATIO', /the variant weights add up to zero/);
  });

  it('content rules reject rather than fail: a blocked term, a link through a URL shortener', async () => {
    await ok(t, 'templates create Spammy --channel email --subject "A miracle cure" --text "See https://bit.ly/abc" --from-email news@example.com');
    const id = await created('new --name Spammy --channel email --template Spammy --list People');
    const r = await t.run(`run C-${id}`);
    expect(r.text).toMatch(/Status:\s+rejected/);
    expect(r.text).toContain('[BLOCKED_TERM]');
    expect(r.text).toContain('[HIDDEN_DESTINATION]');
    expect(await t.app.deps.campaigns.messageCounts(id)).toEqual({});
  });

  it('TEMPLATE_CHANNEL cannot be reached: a channel change that would leave a template of the other channel is refused at the edit', async () => {
    const withTemplate = await created('new --name Switch --channel email --template Welcome --list People');
    const refused = await t.run(`edit C-${withTemplate} --channel sms`);
    expect(refused.ok).toBe(false);
    expect(refused.text).toMatch(/Template "Welcome" is for email/);

    await ok(t, 'templates create Switched --channel sms --text "Hello" --sms-sender +14155550199');
    const withVariants = await created('new --name SwitchAB --channel email --list People --variant A:Welcome:50 --variant B:Welcome:50');
    const variants = await t.run(`edit C-${withVariants} --channel sms`);
    expect(variants.ok, variants.text).toBe(false);
    expect(variants.text).toMatch(/Variant A: template "Welcome" is for email/);
    const both = await t.run(`edit C-${withVariants} --channel sms --template Switched`);
    expect(both.ok, both.text).toBe(false);
    expect((await t.app.deps.campaigns.get(withVariants))!.channel).toBe('email');
    // Changing the variants along with the channel is fine.
    expect((await t.run(`edit C-${withVariants} --channel sms --clear-variants --template Switched`)).ok).toBe(true);
  });
});
