import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIELDS, VIEWS } from '../../../src/slack/ids.js';
import { createdId } from '../../support/delivery-fixtures.js';
import { buttonClick, createSlackHarness, text, USERS, valuesAsOpened, viewSubmission, type SlackHarness } from './slack-harness.js';

/**
 * The edit modal is a snapshot: whatever the person did not touch still holds the values it was
 * opened with. A submission must never write those back over what someone else changed meanwhile.
 */
describe('Slack edit form: a stale submission never undoes someone else’s change', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await createSlackHarness();
    await h.t.run('contacts import test/fixtures/contacts-tour.csv --list Newsletter');
    await h.t.run('templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com');
  });
  afterAll(() => h.close());
  beforeEach(() => h.slack.clear());

  async function newCampaign(name: string): Promise<number> {
    const r = await h.t.run(`new --name "${name}" --channel email --template Welcome --list Newsletter --tags promo`, USERS.marketer);
    return createdId(r.text);
  }
  /** Presses Edit on the card and returns the modal Slack was asked to open. */
  let presses = 0;
  async function openEdit(id: number, user: string = USERS.marketer) {
    const before = h.slack.callsOf('views.open').length;
    // Presses a minute apart: within 3 s a second press of Edit is a double click (one modal).
    presses += 1;
    await h.action(buttonClick({ actionId: 'campaign_edit', value: String(id), user, responseUrl: h.slack.responseUrl(`edit-${id}-${presses}`), actionTs: `${1700001000 + presses * 60}.000001` }));
    const opened = h.slack.callsOf('views.open')[before];
    expect(opened?.body.view.callback_id).toBe(VIEWS.campaignForm);
    return opened!.body.view as { blocks: any[]; private_metadata: string };
  }
  const submit = (view: { blocks: any[]; private_metadata: string }, changes: Record<string, Record<string, unknown>>, user: string = USERS.marketer) =>
    h.action(viewSubmission({ callbackId: VIEWS.campaignForm, user, privateMetadata: view.private_metadata, blocks: view.blocks, values: valuesAsOpened(view, changes) }));
  const campaign = async (id: number) => (await h.t.app.deps.campaigns.get(id))!;

  it('saves only what was changed in the form when nobody else changed the campaign', async () => {
    const id = await newCampaign('Quiet');
    const view = await openEdit(id);
    const res = await submit(view, { [FIELDS.tags.block]: { tags: text('promo, winter') } });
    expect(res.text).toBe('');
    expect(await campaign(id)).toMatchObject({ name: 'Quiet', tags: ['promo', 'winter'] });
    const edits = (await h.t.app.deps.campaigns.activity(id, 100)).filter((e) => e.action === 'edit');
    expect(edits.map((e) => e.detail?.changed)).toEqual([['tags']]);
  });

  it('a rename made after the form was opened is not written back: the submission is refused on the name field', async () => {
    const id = await newCampaign('Winter sale');
    const view = await openEdit(id);
    expect((await h.t.run(`edit C-${id} --name "Winter sale 2"`, USERS.admin)).ok).toBe(true);

    const res = await submit(view, { [FIELDS.tags.block]: { tags: text('promo, winter') } });
    expect(res.json?.response_action).toBe('errors');
    expect(Object.keys(res.json.errors)).toEqual([FIELDS.name.block]);
    expect(res.json.errors[FIELDS.name.block]).toMatch(/^Changed by someone else since you opened this form: now "Winter sale 2"\. Nothing was saved/);
    expect(await campaign(id)).toMatchObject({ name: 'Winter sale 2', tags: ['promo'] });
    // Opened again, the form starts from the current values and saves.
    const fresh = await openEdit(id);
    expect((await submit(fresh, { [FIELDS.tags.block]: { tags: text('promo, winter') } })).text).toBe('');
    expect(await campaign(id)).toMatchObject({ name: 'Winter sale 2', tags: ['promo', 'winter'] });
  });

  it('two people submitting forms opened on the same version: exactly one is saved, the other is told what changed', async () => {
    const id = await newCampaign('Race');
    const [a, b] = [await openEdit(id, USERS.marketer), await openEdit(id, USERS.admin)];
    const [ra, rb] = await Promise.all([
      submit(a, { [FIELDS.name.block]: { name: text('Race A') } }, USERS.marketer),
      submit(b, { [FIELDS.description.block]: { description: text('from B') } }, USERS.admin),
    ]);
    const refused = [ra, rb].filter((r) => r.json?.response_action === 'errors');
    expect(refused).toHaveLength(1);
    const after = await campaign(id);
    if (refused[0] === rb) {
      expect(after).toMatchObject({ name: 'Race A', description: '' });
      expect(rb.json.errors[FIELDS.name.block]).toMatch(/now "Race A"/);
    } else {
      expect(after).toMatchObject({ name: 'Race', description: 'from B' });
      expect(ra.json.errors[FIELDS.description.block]).toMatch(/now "from B"/);
    }
    expect((await h.t.app.deps.campaigns.activity(id, 100)).filter((e) => e.action === 'edit')).toHaveLength(1);
  });

  it('a change the form does not show, or a new status, is named on the first field', async () => {
    const id = await newCampaign('Hidden');
    const view = await openEdit(id);
    expect((await h.t.run(`edit C-${id} --filter plan=pro`, USERS.admin)).ok).toBe(true);
    const hidden = await submit(view, { [FIELDS.tags.block]: { tags: text('x') } });
    expect(Object.keys(hidden.json.errors)).toEqual([FIELDS.name.block]);
    expect(hidden.json.errors[FIELDS.name.block]).toMatch(/something the form does not show/);

    const again = await openEdit(id);
    const at = new Date(h.t.clock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    expect((await h.t.run(`schedule C-${id} --at "${at} 09:00" --tz UTC`, USERS.admin)).ok).toBe(true);
    const scheduled = await submit(again, { [FIELDS.tags.block]: { tags: text('x') } });
    expect(scheduled.json.errors[FIELDS.name.block]).toMatch(new RegExp(`^C-${id} was changed by someone else since you opened this form; it is now scheduled\\.`));
    expect(scheduled.json.errors[FIELDS.date.block]).toMatch(new RegExp(`now "${at}"`));
    expect(scheduled.json.errors[FIELDS.time.block]).toMatch(/now "09:00"/);
    expect((await campaign(id)).tags).toEqual(['promo']);
  });

  it('the write itself is conditional: an edit line at an old version is refused by the command layer', async () => {
    const id = await newCampaign('Versioned');
    const version = (await campaign(id)).version;
    expect((await h.t.run(`edit C-${id} --tags a`, USERS.admin)).ok).toBe(true);
    const stale = await h.t.run(`edit C-${id} --tags b --if-version ${version}`, USERS.admin);
    expect(stale.ok).toBe(false);
    expect(stale.text).toMatch(new RegExp(`^Conflict: C-${id} was changed by someone else since you opened it`));
    expect((await campaign(id)).tags).toEqual(['a']);
    expect((await h.t.run(`edit C-${id} --tags b --if-version ${version + 1}`, USERS.admin)).ok).toBe(true);
    // And in the store: a write at an old version changes nothing (two concurrent submits cannot both win).
    const store = h.t.app.deps.campaigns;
    expect(await store.update(id, ['ready'], { settings: { tags: ['c'] }, expectedVersion: version + 1 }, { actor: USERS.admin, action: 'edit' })).toBeNull();
    expect(await store.update(id, ['ready'], { settings: { tags: ['c'] }, expectedVersion: version + 2 }, { actor: USERS.admin, action: 'edit' })).toMatchObject({ tags: ['c'] });
  });
});
