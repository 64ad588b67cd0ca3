import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/test-database.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { pauseCampaign } from '../../src/domain/campaign/pause-campaign.js';
import { runCampaign } from '../../src/domain/campaign/run-campaign.js';
import { isAppError } from '../../src/domain/errors.js';

async function seedAudience(t: TestApp, listName = 'Newsletter', contacts = 3): Promise<void> {
  const list = await t.app.deps.contacts.createList({ name: listName, description: '', createdBy: 'test' });
  await t.app.deps.contacts.upsertIntoList(
    list.id,
    Array.from({ length: contacts }, (_, i) => ({
      line: i + 2,
      email: `person${i}@example.com`,
      phone: null,
      attributes: { first_name: `P${i}`, country: i % 2 ? 'US' : 'FR' },
      timeZone: null,
    })),
  );
}

async function newReadyCampaign(t: TestApp, name = 'Winter sale'): Promise<number> {
  const r = await t.run(`/campaign new --name "${name}" --channel email --template Welcome --list Newsletter --tags promo,winter`);
  expect(r.ok, r.text).toBe(true);
  return Number(/C-(\d+)/.exec(r.text)![1]);
}

describe.each(ENGINES)('campaign lifecycle on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedAudience(t);
    const r = await t.run(
      '/campaign templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}, winter sale at https://shop.example.com" --from-email news@example.com --from-name "Shop"',
    );
    expect(r.ok, r.text).toBe(true);
  });
  afterAll(async () => t?.close());

  it('creates a draft until it has a template and a list, then ready', async () => {
    const draft = await t.run('/campaign new --name "Empty" --channel email');
    expect(draft.ok).toBe(true);
    expect(draft.text).toContain('(draft)');
    expect(draft.text).toMatch(/needs a template and a contact list/);
    const id = Number(/C-(\d+)/.exec(draft.text)![1]);
    expect(id).toBeGreaterThanOrEqual(1001);
    const refused = await t.run(`/campaign run C-${id}`);
    expect(refused.ok).toBe(false);
    expect(refused.text).toMatch(/Cannot run C-\d+: it is draft/);
    const edited = await t.run(`/campaign edit C-${id} --template Welcome --list Newsletter`);
    expect(edited.ok, edited.text).toBe(true);
    expect(edited.text).toMatch(/Status:\s+ready/);
  });

  it('schedules, pauses, resumes and cancels with the typed id, logging every step', async () => {
    const id = await newReadyCampaign(t);
    const scheduled = await t.run(`/campaign schedule C-${id} --at "2026-12-01 09:00" --tz Europe/Paris`);
    expect(scheduled.ok, scheduled.text).toBe(true);
    expect(scheduled.text).toMatch(/Status:\s+scheduled/);
    expect(scheduled.text).toContain('2026-12-01 09:00');

    expect((await t.run(`/campaign pause C-${id} --reason "legal review"`)).text).toMatch(/Status:\s+paused/);
    const resumed = await t.run(`/campaign resume C-${id}`);
    expect(resumed.text).toMatch(/Status:\s+scheduled/);

    const noConfirm = await t.run(`/campaign cancel C-${id}`);
    expect(noConfirm.ok).toBe(false);
    expect(noConfirm.text).toContain(`--confirm C-${id}`);
    const wrong = await t.run(`/campaign cancel C-${id} --confirm C-${id + 1}`);
    expect(wrong.ok).toBe(false);
    expect(wrong.text).toMatch(/not C-\d+; nothing was cancelled/);
    expect((await t.run(`/campaign show C-${id}`)).text).toMatch(/Status:\s+scheduled/);

    const cancelled = await t.run(`/campaign cancel C-${id} --confirm c-${id}`);
    expect(cancelled.ok, cancelled.text).toBe(true);
    expect(cancelled.text).toMatch(/Status:\s+cancelled/);
    expect((await t.run(`/campaign resume C-${id}`)).text).toMatch(/Cannot resume C-\d+: it is cancelled/);

    const log = await t.run(`/campaign activity C-${id}`);
    for (const action of ['create', 'schedule', 'pause', 'resume', 'cancel']) expect(log.text).toContain(action);
    expect(log.text).toContain('legal review');
    expect(log.text).toMatch(/scheduled -> paused/);
  });

  it('warns when cancelling within 10 minutes of the send time', async () => {
    const id = await newReadyCampaign(t, 'Soon');
    await t.run(`/campaign schedule C-${id} --at "2026-11-22 10:05" --tz UTC`);
    const r = await t.run(`/campaign cancel C-${id} --confirm C-${id}`);
    expect(r.ok).toBe(true);
    expect(r.text).toMatch(/Warning: .*within 10 minutes of its send time: cancelling is not guaranteed/);
  });

  it('runs a campaign: builds one message per recipient, snapshots the template and locks it', async () => {
    const id = await newReadyCampaign(t, 'Run now');
    const r = await t.run(`/campaign run C-${id}`);
    expect(r.ok, r.text).toBe(true);
    expect(r.text).toMatch(/queued: run 1 has 3 messages/);
    const counts = await t.app.deps.campaigns.messageCounts(id);
    expect(counts).toEqual({ queued: 3 });
    const locked = await t.run(`/campaign edit C-${id} --template Welcome --name "Renamed"`);
    expect(locked.ok).toBe(false);
    expect(locked.text).toMatch(/locked when it was queued/);
  });

  it('fails a launch with structured reasons: deleted list, empty audience, conflicting rules', async () => {
    await t.app.deps.contacts.createList({ name: 'Empty list', description: '', createdBy: 'test' });
    const emptyId = Number(/C-(\d+)/.exec((await t.run('/campaign new --name E --channel email --template Welcome --list "Empty list"')).text)![1]);
    const empty = await t.run(`/campaign run C-${emptyId}`);
    expect(empty.text).toMatch(/Status:\s+failed/);
    expect(empty.text).toContain('[EMPTY_AUDIENCE]');

    await t.run('/campaign segments create France --where country=FR');
    const conflictId = Number(
      /C-(\d+)/.exec((await t.run('/campaign new --name X --channel email --template Welcome --list Newsletter --include France --exclude France')).text)![1],
    );
    const conflict = await t.run(`/campaign run C-${conflictId}`);
    expect(conflict.text).toContain('[CONFLICTING_RULES]');
    expect(conflict.text).toMatch(/both included and excluded/);

    await seedAudience(t, 'Doomed', 2);
    const doomedId = Number(/C-(\d+)/.exec((await t.run('/campaign new --name D --channel email --template Welcome --list Doomed')).text)![1]);
    await t.run('/campaign lists delete Doomed');
    const deleted = await t.run(`/campaign run C-${doomedId}`);
    expect(deleted.text).toContain('[DELETED_LIST]');
    const log = await t.run(`/campaign activity C-${doomedId}`);
    expect(log.text).toContain('launch_failed');
  });

  it('launches when the only suppressed list members are outside the audience', async () => {
    // Each list: one contact the campaign reaches, one suppressed contact it never would (excluded
    // by a segment, or with no email for an email campaign).
    const lists = { 'Excluded opt-out': ['kept1@example.com', 'FR', 'gone1@example.com', 'US'], 'Phone opt-out': ['kept2@example.com', 'FR', null, 'FR'] } as const;
    for (const [name, [kept, keptCountry, other, otherCountry]] of Object.entries(lists)) {
      const list = await t.app.deps.contacts.createList({ name, description: '', createdBy: 'test' });
      await t.app.deps.contacts.upsertIntoList(list.id, [
        { line: 2, email: kept, phone: null, attributes: { first_name: 'K', country: keptCountry }, timeZone: null },
        { line: 3, email: other, phone: other ? null : '+14155550401', attributes: { first_name: 'O', country: otherCountry }, timeZone: null },
      ]);
    }
    await t.app.stores.suppressions.add({ address: 'gone1@example.com', reason: 'unsubscribe', source: 'test' });
    await t.app.stores.suppressions.add({ address: '+14155550401', reason: 'sms_stop', source: 'test' });
    await t.run('/campaign segments create Americans --where country=US');

    const excluded = await t.run('/campaign new --name "Not US" --channel email --template Welcome --list "Excluded opt-out" --exclude Americans');
    const phone = await t.run('/campaign new --name "Email only" --channel email --template Welcome --list "Phone opt-out"');
    for (const created of [excluded, phone]) {
      const id = Number(/C-(\d+)/.exec(created.text)![1]);
      const r = await t.run(`/campaign run C-${id}`);
      expect(r.ok, r.text).toBe(true);
      expect(r.text).not.toContain('EMPTY_AUDIENCE');
      expect(r.text).toMatch(/queued: run 1 has 1 message\b/);
      expect(r.text).not.toContain('opted out');
      expect(await t.app.deps.campaigns.messageCounts(id)).toEqual({ queued: 1 });
    }
  });

  it('rejects content that breaks the content rules, and resubmits after an edit', async () => {
    await t.run('/campaign templates create Phish --channel email --subject "Account" --text "Please verify your account password at http://10.0.0.1/x" --from-email a@example.com');
    const id = Number(/C-(\d+)/.exec((await t.run('/campaign new --name P --channel email --template Phish --list Newsletter')).text)![1]);
    const r = await t.run(`/campaign run C-${id}`);
    expect(r.text).toMatch(/Status:\s+rejected/);
    expect(r.text).toContain('[CREDENTIAL_REQUEST]');
    expect(r.text).toContain('[RAW_IP_LINK]');
    await t.run(`/campaign edit C-${id} --template Welcome`);
    const again = await t.run(`/campaign resubmit C-${id}`);
    expect(again.ok, again.text).toBe(true);
    expect(again.text).toMatch(/Status:\s+ready/);
  });

  it('needs an approver other than the requester to cancel a sending campaign', async () => {
    const id = await newReadyCampaign(t, 'Sending one');
    await t.run(`/campaign run C-${id}`);
    // The delivery engine is not in this build: move the campaign to sending as it would.
    await t.app.deps.campaigns.transition(id, { name: 'start_sending' }, 'sending', {}, { actor: 'system' });
    const asked = await t.run(`/campaign cancel C-${id} --confirm C-${id}`, 'alice');
    expect(asked.ok, asked.text).toBe(true);
    expect(asked.text).toMatch(/Approval A-(\d+) is waiting/);
    expect(asked.text).toMatch(/already sending: cancelling is not guaranteed/);
    const approvalId = /A-(\d+)/.exec(asked.text)![1];
    const self = await t.run(`/campaign approve A-${approvalId}`, 'alice');
    expect(self.ok).toBe(false);
    expect(self.text).toMatch(/someone else must approve/);
    const ok = await t.run(`/campaign approve A-${approvalId}`, 'bob');
    expect(ok.ok, ok.text).toBe(true);
    expect(ok.text).toMatch(/Status:\s+cancelled/);
    expect((await t.run(`/campaign activity C-${id}`)).text).toMatch(/bob\s+cancel/);
  });

  it('lets exactly one of two concurrent transitions win', async () => {
    const id = await newReadyCampaign(t, 'Race');
    await t.run(`/campaign schedule C-${id} --at "2026-12-24 09:00"`);
    const results = await Promise.allSettled([
      pauseCampaign(t.app.deps, { campaignId: id, actor: 'alice' }),
      pauseCampaign(t.app.deps, { campaignId: id, actor: 'bob' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(isAppError(lost[0]!.reason) && lost[0]!.reason.code).toBe('INVALID_TRANSITION');
    const pauses = (await t.app.deps.campaigns.activity(id, 100)).filter((a) => a.action === 'pause');
    expect(pauses).toHaveLength(1);
  });

  it('records in the activity log which transition of the table made every status change', async () => {
    const draft = await t.run('/campaign new --name "Logged" --channel email');
    const id = Number(/C-(\d+)/.exec(draft.text)![1]);
    expect((await t.run(`/campaign edit C-${id} --template Welcome --list Newsletter`)).ok).toBe(true);
    expect((await t.run(`/campaign schedule C-${id} --at "2026-12-24 09:00"`)).ok).toBe(true);
    expect((await t.run(`/campaign pause C-${id}`)).ok).toBe(true);
    expect((await t.run(`/campaign resume C-${id}`)).ok).toBe(true);
    expect((await t.run(`/campaign cancel C-${id} --confirm C-${id}`)).ok).toBe(true);
    const log = await t.app.deps.campaigns.activity(id, 100);
    expect(log.map((e) => [e.action, e.transition, e.fromStatus, e.toStatus])).toEqual([
      ['create', null, null, 'draft'],
      // People still read what they did; the entry also names the transition.
      ['edit', 'complete_setup', 'draft', 'ready'],
      ['schedule', 'schedule', 'ready', 'scheduled'],
      ['pause', 'pause', 'scheduled', 'paused'],
      ['resume', 'resume', 'paused', 'scheduled'],
      ['cancel', 'cancel', 'scheduled', 'cancelled'],
    ]);
  });

  it('refuses a write the table does not allow, and never widens its condition to what the caller passes', async () => {
    const id = await newReadyCampaign(t, 'Guarded');
    const before = await t.app.deps.campaigns.activity(id, 100);
    // The caller offers `ready` as a starting point; pause never starts there, so nothing is written.
    const widened = await t.app.deps.campaigns.transition(id, { name: 'pause', onlyFrom: ['ready'] }, 'paused', { resumeTo: 'ready' }, { actor: 'alice' });
    expect(widened.outcome).toBe('refused');
    expect(widened.campaign?.status).toBe('ready');
    // A target the transition never reaches is refused outright.
    await expect(t.app.deps.campaigns.transition(id, { name: 'run' }, 'sending', {}, { actor: 'alice' })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    // A narrower condition than the table's holds: schedule is allowed from ready, but not from `draft` only.
    expect((await t.app.deps.campaigns.transition(id, { name: 'schedule', onlyFrom: ['draft'] }, 'scheduled', {}, { actor: 'alice' })).outcome).toBe('refused');
    expect((await t.app.deps.campaigns.get(id))?.status).toBe('ready');
    expect(await t.app.deps.campaigns.activity(id, 100)).toEqual(before);
  });

  it('answers a repeat of the same request as success without writing it twice; the same click by someone else loses', async () => {
    const id = await newReadyCampaign(t, 'Double click');
    await t.run(`/campaign schedule C-${id} --at "2026-12-24 09:00"`);
    // One person's double click: both answers say paused, one change is written.
    const clicks = await Promise.allSettled([
      pauseCampaign(t.app.deps, { campaignId: id, actor: 'alice' }),
      pauseCampaign(t.app.deps, { campaignId: id, actor: 'alice' }),
    ]);
    expect(clicks.map((c) => c.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(clicks.map((c) => (c.status === 'fulfilled' ? c.value.campaign.status : null))).toEqual(['paused', 'paused']);
    const pauses = () => t.app.deps.campaigns.activity(id, 100).then((a) => a.filter((e) => e.transition === 'pause'));
    expect(await pauses()).toHaveLength(1);
    // A retry arriving later is a repeat too; the same change asked by bob is refused.
    const again = await t.app.deps.campaigns.transition(id, { name: 'pause' }, 'paused', { resumeTo: 'scheduled' }, { actor: 'alice' });
    expect(again.outcome).toBe('repeat');
    expect(again.campaign?.status).toBe('paused');
    expect((await t.app.deps.campaigns.transition(id, { name: 'pause' }, 'paused', {}, { actor: 'bob' })).outcome).toBe('refused');
    expect(await pauses()).toHaveLength(1);
  });

  it('builds one run for a double-clicked Run, and answers both clicks with it', async () => {
    const id = await newReadyCampaign(t, 'Run twice');
    const clicks = await Promise.allSettled([runCampaign(t.app.deps, { campaignId: id, actor: 'alice' }), runCampaign(t.app.deps, { campaignId: id, actor: 'alice' })]);
    expect(clicks.map((c) => c.status)).toEqual(['fulfilled', 'fulfilled']);
    const runs = clicks.map((c) => (c.status === 'fulfilled' ? c.value.run : null));
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).toMatchObject({ number: 1, messages: 3, optedOut: 0, skipped: 0 });
    expect(await t.app.deps.campaigns.messageCounts(id)).toEqual({ queued: 3 });
    expect((await t.app.deps.campaigns.activity(id, 100)).filter((e) => e.transition === 'run')).toHaveLength(1);
  });

  it('lists with filters, clones and deletes', async () => {
    const id = await newReadyCampaign(t, 'To clone');
    const list = await t.run('/campaign list --status ready --channel email --tag promo');
    expect(list.ok).toBe(true);
    expect(list.text).toContain('To clone');
    expect(list.text).not.toMatch(/\bcancelled\b/);
    const cancelled = await t.run('/campaign list --status cancelled');
    expect(cancelled.text).toContain('Winter sale');
    expect(cancelled.text).not.toContain('To clone');
    const search = await t.run('/campaign list Race');
    expect(search.text).toContain('Race');
    expect(search.text).not.toContain('Winter sale');
    const byId = await t.run(`/campaign list --search C-${id}`);
    expect(byId.text).toContain('To clone');
    const cloned = await t.run(`/campaign clone C-${id} --name "Cloned"`);
    expect(cloned.text).toMatch(/Cloned C-\d+ into C-\d+ \(ready\)/);
    expect((await t.run(`/campaign delete C-${id}`)).ok).toBe(true);
    expect((await t.run(`/campaign show C-${id}`)).text).toMatch(/does not exist/);
  });

  it('shows upcoming launches on the calendar, drafts excluded, recurring expanded', async () => {
    const id = await newReadyCampaign(t, 'Weekly');
    const r = await t.run(`/campaign schedule C-${id} --cron "0 9 * * 1" --tz UTC`);
    expect(r.ok, r.text).toBe(true);
    const cal = await t.run('/campaign calendar --days 14');
    expect(cal.text).toContain('recurring #1');
    expect(cal.text).toContain('recurring #2');
    expect(cal.text).not.toContain('Empty');
  });
});
