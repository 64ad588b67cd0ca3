import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIELDS, VIEWS } from '../../../src/slack/ids.js';
import { createdId } from '../../support/delivery-fixtures.js';
import { buttonClick, createSlackHarness, date, select, text, time, USERS, valuesAsOpened, viewSubmission, type SlackHarness } from './slack-harness.js';

/**
 * Modals build typed commands: every refusal, from the grammar's schemas or from the domain, comes
 * back with the input field it concerns and is shown under that field's block; no CLI syntax reaches
 * a modal. The same refusal typed as a command line names the flag instead.
 */
describe('Slack modals speak typed commands through the real Bolt app', () => {
  let h: SlackHarness;
  let presses = 0;

  beforeAll(async () => {
    h = await createSlackHarness();
    await h.t.run('contacts import test/fixtures/contacts-tour.csv --list Newsletter');
    await h.t.run('templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com');
  });
  afterAll(() => h.close());
  beforeEach(() => h.slack.clear());

  const create = (values: Record<string, Record<string, unknown>>) =>
    h.action(viewSubmission({ callbackId: VIEWS.campaignForm, user: USERS.marketer, privateMetadata: '{"channelId":"CCHAN"}', values: { [FIELDS.name.block]: { name: text('Typed') }, [FIELDS.channel.block]: { channel: select('email') }, ...values } }));

  async function openEdit(id: number) {
    presses += 1;
    await h.action(buttonClick({ actionId: 'campaign_edit', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl(`typed-edit-${presses}`), actionTs: `${1700005000 + presses * 60}.000001` }));
    const view = h.slack.last('views.open')!.body.view as { blocks: any[]; private_metadata: string };
    return view;
  }
  const submitEdit = (view: { blocks: any[]; private_metadata: string }, changes: Record<string, Record<string, unknown>>) =>
    h.action(viewSubmission({ callbackId: VIEWS.campaignForm, user: USERS.marketer, privateMetadata: view.private_metadata, blocks: view.blocks, values: valuesAsOpened(view, changes) }));
  const count = async () => (await h.t.app.deps.campaigns.list({ page: 1, pageSize: 1 })).total;

  it('create: values the grammar refuses are each an error under their own block, in words, and nothing is created', async () => {
    const before = await count();
    const res = await create({ [FIELDS.launch.block]: { launch: select('scheduled') }, [FIELDS.tz.block]: { tz: text('Mars/Olympus') }, [FIELDS.ttl.block]: { ttl: text('forever') }, [FIELDS.variants.block]: { variants: text('A:Welcome') } });
    expect(res.json.response_action).toBe('errors');
    expect(Object.keys(res.json.errors).sort()).toEqual([FIELDS.tz.block, FIELDS.ttl.block, FIELDS.variants.block].sort());
    expect(res.json.errors[FIELDS.tz.block]).toMatch(/IANA time zone/);
    expect(JSON.stringify(res.json.errors)).not.toMatch(/--/);
    expect(await count()).toBe(before);
  });

  it('create: refusals of the domain land on the field they name (template, TTL, send time), without CLI syntax', async () => {
    const template = await create({ [FIELDS.template.block]: { template: text('Nope') } });
    expect(template.json.errors).toEqual({ [FIELDS.template.block]: expect.stringMatching(/No template named "Nope"/) });
    const ttl = await create({ [FIELDS.ttl.block]: { ttl: text('4h') } });
    expect(Object.keys(ttl.json.errors)).toEqual([FIELDS.ttl.block]);
    expect(ttl.json.errors[FIELDS.ttl.block]).toMatch(/validity period/);
    const past = await create({ [FIELDS.date.block]: { date: date('2020-01-01') }, [FIELDS.time.block]: { time: time('09:00') }, [FIELDS.tz.block]: { tz: text('UTC') } });
    expect(Object.keys(past.json.errors)).toEqual([FIELDS.date.block]);
    expect(JSON.stringify([template.json, ttl.json, past.json])).not.toMatch(/--[a-z]/);
  });

  it('edit: the form keeps ids and the version only; a domain refusal is shown on its block, and typed it names the flag', async () => {
    const created = await h.t.run('new --name "Typed edit" --channel email --template Welcome --list Newsletter', USERS.marketer);
    const id = createdId(created.text);
    const view = await openEdit(id);
    const version = (await h.t.app.deps.campaigns.get(id))!.version;
    // Ids only (the campaign, and where the card it came from is) and the version it was opened on.
    expect(JSON.parse(view.private_metadata)).toEqual({ campaignId: id, version, channelId: expect.any(String), messageTs: expect.any(String) });

    const past = await submitEdit(view, { [FIELDS.date.block]: { date: date('2020-01-01') }, [FIELDS.time.block]: { time: time('09:00') }, [FIELDS.launch.block]: { launch: select('scheduled') } });
    expect(Object.keys(past.json.errors)).toEqual([FIELDS.date.block]);
    expect(past.json.errors[FIELDS.date.block]).toMatch(/^Invalid input: The send time "2020-01-01 09:00" \(UTC\) is in the past\.$/);

    const typed = await h.command(`edit C-${id} --at "2020-01-01 09:00" --tz UTC`, USERS.marketer);
    expect(h.slack.responsesTo(typed.responseUrl)[0]!.body.text).toBe('Invalid input (--at): The send time "2020-01-01 09:00" (UTC) is in the past.');

    const saved = await submitEdit(view, { [FIELDS.tags.block]: { tags: text('spring') } });
    expect(saved.text).toBe('');
    expect((await h.t.app.deps.campaigns.get(id))!.tags).toEqual(['spring']);
  });

  it('a stale edit is refused by version: nothing is saved, and the changed field is named', async () => {
    const created = await h.t.run('new --name "Stale" --channel email --template Welcome --list Newsletter', USERS.marketer);
    const id = createdId(created.text);
    const view = await openEdit(id);
    expect((await h.t.run(`edit C-${id} --description "from the console"`, USERS.admin)).ok).toBe(true);
    const refused = await submitEdit(view, { [FIELDS.name.block]: { name: text('Stale renamed') } });
    expect(refused.json.response_action).toBe('errors');
    expect(refused.json.errors[FIELDS.description.block]).toMatch(/^Changed by someone else since you opened this form: now "from the console"/);
    expect(refused.json.errors[FIELDS.name.block]).toMatch(new RegExp(`^C-${id} was changed by someone else since you opened this form`));
    expect(await h.t.app.deps.campaigns.get(id)).toMatchObject({ name: 'Stale', description: 'from the console' });
    // A version forged into the metadata is still checked against the campaign as it is now.
    const forged = JSON.stringify({ campaignId: id, version: 1 });
    const again = await h.action(viewSubmission({ callbackId: VIEWS.campaignForm, user: USERS.marketer, privateMetadata: forged, blocks: view.blocks, values: valuesAsOpened(view, {}) }));
    expect(again.json.response_action).toBe('errors');
  });

  it('the overdue policy and tracking: selects with the typed defaults on create, prefilled on edit, saved as --if-late and --tracking', async () => {
    const created = await create({});
    expect(created.text).toBe('');
    const id = Number(/C-(\d+)/.exec(JSON.stringify(h.slack.callsOf('chat.postEphemeral').concat(h.slack.callsOf('chat.postMessage')).at(-1)!.body))![1]);
    expect(await h.t.app.deps.campaigns.get(id)).toMatchObject({ name: 'Typed', ifLate: 'send_late', tracking: true });
    const view = await openEdit(id);
    const initial = (v: typeof view, block: string) => v.blocks.find((b) => b.block_id === block).element.initial_option.value;
    expect([initial(view, FIELDS.ifLate.block), initial(view, FIELDS.tracking.block)]).toEqual(['send', 'on']);
    const saved = await submitEdit(view, { [FIELDS.ifLate.block]: { if_late: select('ask') }, [FIELDS.tracking.block]: { tracking: select('off') } });
    expect(saved.text).toBe('');
    expect(await h.t.app.deps.campaigns.get(id)).toMatchObject({ ifLate: 'ask', tracking: false });
    const again = await openEdit(id);
    expect([initial(again, FIELDS.ifLate.block), initial(again, FIELDS.tracking.block)]).toEqual(['ask', 'off']);
    // The same value typed is refused by the same schema; from the form it is a choice, never free text.
    const bogus = await submitEdit(again, { [FIELDS.ifLate.block]: { if_late: select('later') } });
    expect(Object.keys(bogus.json.errors)).toEqual([FIELDS.ifLate.block]);
  });

  it('cancel: the modal says "type its id below", the typed command says which flag confirms it', async () => {
    const created = await h.t.run('new --name "To cancel" --channel email --template Welcome --list Newsletter', USERS.marketer);
    const id = createdId(created.text);
    await h.t.run(`schedule C-${id} --cron "0 9 * * 1" --tz UTC`);
    await h.command(`cancel C-${id}`, USERS.marketer);
    const modal = JSON.stringify(h.slack.last('views.open')!.body.view.blocks);
    expect(modal).toMatch(/cannot be undone\. To confirm, type its id below\./);
    expect(modal).not.toMatch(/--confirm/);
    const typed = await h.t.run(`cancel C-${id} --reason "no longer needed"`, USERS.marketer);
    expect(typed.text).toMatch(new RegExp(`cannot be undone\\. To confirm, run the same command again with --confirm C-${id}\\.$`));
  });
});
