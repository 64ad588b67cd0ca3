import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIELDS, VIEWS } from '../../../src/slack/ids.js';
import { payloadForm } from '../../fakes/slack-signing.js';
import { buttonClick, createSlackHarness, date, select, SLACK_RETRY, text, time, USERS, viewSubmission, type SlackHarness } from './slack-harness.js';

describe('campaign card buttons, modals and App Home through the real Bolt app', () => {
  let h: SlackHarness;
  let id: number;
  const status = async () => (await h.t.app.deps.campaigns.get(id))?.status;

  beforeAll(async () => {
    h = await createSlackHarness();
    await h.t.run('contacts import test/fixtures/contacts-tour.csv --list Newsletter');
    await h.t.run('templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com');
    await h.t.run('new --name "Winter sale" --channel email --template Welcome --list Newsletter', USERS.marketer);
    id = (await h.t.app.deps.campaigns.list({ page: 1, pageSize: 1 })).items[0]!.id;
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.slack.clear();
  });

  it('Pause updates the card in place with the buttons the new status allows', async () => {
    await h.t.run(`schedule C-${id} --at "2026-12-01 09:00" --tz UTC`);
    const responseUrl = h.slack.responseUrl('pause');
    const res = await h.action(buttonClick({ actionId: 'campaign_pause', value: String(id), user: USERS.marketer, responseUrl }));
    expect(res.status).toBe(200);
    expect(await status()).toBe('paused');
    const [update] = h.slack.responsesTo(responseUrl);
    expect(update?.body.replace_original).toBe(true);
    const ids = update!.body.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id);
    expect(ids).toContain('campaign_resume');
    expect(ids).not.toContain('campaign_pause');
  });

  it('refuses a viewer privately and leaves the status unchanged', async () => {
    const responseUrl = h.slack.responseUrl('viewer');
    await h.action(buttonClick({ actionId: 'campaign_resume', value: String(id), user: USERS.viewer, responseUrl }));
    const [answer] = h.slack.responsesTo(responseUrl);
    expect(answer?.body.response_type).toBe('ephemeral');
    expect(answer?.body.replace_original).toBe(false);
    expect(answer?.body.text).toMatch(/marketer/);
    expect(await status()).toBe('paused');
  });

  it('a double click, a re-delivery and a Slack retry of one press run it once; none is answered "Not allowed now"', async () => {
    const responseUrl = h.slack.responseUrl('double');
    const click = buttonClick({ actionId: 'campaign_resume', value: String(id), user: USERS.marketer, responseUrl, messageTs: '1700000000.000200', blockId: `card_${id}_v7` });
    // The double click: a second payload from the same card, a moment later.
    const [a, b] = await Promise.all([h.action(click), h.action({ ...click, actions: [{ ...click.actions[0]!, action_ts: `${Number(click.actions[0]!.action_ts) + 0.3}` }] })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // The very same signed payload again, once plainly and once as Slack's retry.
    expect((await h.action(click)).status).toBe(200);
    expect((await h.post({ body: payloadForm(click), headers: SLACK_RETRY })).status).toBe(200);
    expect(await status()).toBe('scheduled');
    const activity = await h.t.app.deps.campaigns.activity(id, 100);
    expect(activity.filter((e) => e.action === 'resume')).toHaveLength(1);
    const answers = h.slack.responsesTo(responseUrl).map((r) => r.body.text as string);
    expect(answers.filter((t) => /^Resumed/.test(t))).toHaveLength(1);
    expect(answers.filter((t) => /^Already (done|received)/.test(t))).toHaveLength(2);
    expect(answers.filter((t) => /Not allowed now|Cannot resume/.test(t))).toEqual([]);
    // The retry is answered by the first delivery alone.
    expect(answers).toHaveLength(3);
  });

  it('the same button on the redrawn card is a new press', async () => {
    const pauseUrl = h.slack.responseUrl('redrawn-pause');
    await h.action(buttonClick({ actionId: 'campaign_pause', value: String(id), user: USERS.marketer, responseUrl: pauseUrl, messageTs: '1700000000.000300' }));
    expect(await status()).toBe('paused');
    const card = h.slack.responsesTo(pauseUrl)[0]!.body.blocks.find((b: any) => b.type === 'actions');
    const resumeUrl = h.slack.responseUrl('redrawn-resume');
    await h.action(buttonClick({ actionId: 'campaign_resume', value: String(id), user: USERS.marketer, responseUrl: resumeUrl, messageTs: '1700000000.000300', blockId: card.block_id }));
    expect(await status()).toBe('scheduled');
    const again = h.slack.responsesTo(resumeUrl)[0]!.body.blocks.find((b: any) => b.type === 'actions');
    expect(again.block_id).not.toBe(card.block_id);
    // Pause, on the card Resume redrew (same message), runs again.
    await h.action(buttonClick({ actionId: 'campaign_pause', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('redrawn-pause-2'), messageTs: '1700000000.000300', blockId: again.block_id }));
    expect(await status()).toBe('paused');
    expect((await h.t.app.deps.campaigns.activity(id, 100)).filter((e) => e.action === 'pause')).toHaveLength(3);
    expect((await h.t.run(`resume C-${id}`, USERS.marketer)).ok).toBe(true);
  });

  it('a button that opens a modal opens it once for a double click or a retry, and again when pressed later', async () => {
    const click = buttonClick({ actionId: 'campaign_cancel', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('open-twice'), actionTs: '1700000500.000001' });
    await Promise.all([h.action(click), h.action({ ...click, trigger_id: 'trig-second', actions: [{ ...click.actions[0]!, action_ts: '1700000500.400000' }] })]);
    await h.post({ body: payloadForm(click), headers: SLACK_RETRY });
    expect(h.slack.callsOf('views.open')).toHaveLength(1);
    // Pressed again a minute later (the modal was closed): a new request.
    await h.action({ ...click, trigger_id: 'trig-later', actions: [{ ...click.actions[0]!, action_ts: '1700000560.000001' }] });
    expect(h.slack.callsOf('views.open')).toHaveLength(2);
  });

  it('Edit opens the form; a bad date stays in the modal as an error on the date block', async () => {
    await h.action(buttonClick({ actionId: 'campaign_edit', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('edit') }));
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.campaignForm);
    expect(opened!.body.view.title.text.length).toBeLessThanOrEqual(24);
    const res = await h.action(
      viewSubmission({
        callbackId: VIEWS.campaignForm,
        user: USERS.marketer,
        privateMetadata: opened!.body.view.private_metadata,
        values: { [FIELDS.date.block]: { date: date('2020-01-01') }, [FIELDS.time.block]: { time: time('09:00') }, [FIELDS.tz.block]: { tz: text('UTC') } },
      }),
    );
    expect(res.json.response_action).toBe('errors');
    expect(Object.keys(res.json.errors)).toEqual([FIELDS.date.block]);
    expect(res.json.errors[FIELDS.date.block]).toMatch(/past/);
  });

  it('the create form creates a campaign and posts its card; an unknown list is a field error', async () => {
    const base = { [FIELDS.name.block]: { name: text('Spring') }, [FIELDS.channel.block]: { channel: select('email') } };
    const bad = await h.action(viewSubmission({ callbackId: VIEWS.campaignForm, user: USERS.marketer, privateMetadata: '{"channelId":"CCHAN"}', values: { ...base, [FIELDS.list.block]: { list: text('Nope') } } }));
    expect(bad.json.response_action).toBe('errors');
    expect(Object.keys(bad.json.errors)).toEqual([FIELDS.list.block]);
    const good = await h.action(viewSubmission({ callbackId: VIEWS.campaignForm, user: USERS.marketer, privateMetadata: '{"channelId":"CCHAN"}', values: { ...base, [FIELDS.template.block]: { template: select('Welcome') } } }));
    expect(good.text).toBe('');
    expect(h.slack.last('chat.postEphemeral')?.body.text).toMatch(/Created C-\d+ "Spring"/);
  });

  it('cancel: the modal needs the id typed back; a wrong id is a field error, the right one cancels', async () => {
    await h.action(buttonClick({ actionId: 'campaign_cancel', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('cancel') }));
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.cancelConfirm);
    expect(JSON.stringify(opened?.body.view.blocks)).toMatch(/cannot be undone/);
    const submit = (typed: string) =>
      h.action(viewSubmission({ callbackId: VIEWS.cancelConfirm, user: USERS.marketer, privateMetadata: opened!.body.view.private_metadata, values: { [FIELDS.confirmId.block]: { confirm_id: text(typed) } } }));
    const wrong = await submit('C-999');
    expect(wrong.json.response_action).toBe('errors');
    expect(wrong.json.errors[FIELDS.confirmId.block]).toMatch(/not C-/);
    expect(await status()).toBe('scheduled');
    const right = await submit(`C-${id}`);
    expect(right.text).toBe('');
    expect(await status()).toBe('cancelled');
    expect(h.slack.last('chat.update')?.body.text).toMatch(/Cancelled/);
  });

  it('the cancel modal warns within 10 minutes of the send time', async () => {
    await h.t.run('new --name "Soon" --channel email --template Welcome --list Newsletter', USERS.marketer);
    const soon = (await h.t.app.deps.campaigns.list({ page: 1, pageSize: 1 })).items[0]!.id;
    await h.t.run(`schedule C-${soon} --at "2026-11-22T10:05:00Z"`);
    await h.command(`cancel C-${soon}`);
    expect(JSON.stringify(h.slack.last('views.open')?.body.view.blocks)).toMatch(/within 10 minutes/);
  });

  it('Retry failed opens a confirmation showing what the command layer says', async () => {
    await h.action(buttonClick({ actionId: 'campaign_retry', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('retry') }));
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.retryConfirm);
    expect(JSON.stringify(opened?.body.view.blocks)).toMatch(/C-\d+/);
  });

  it('a ready card offers Schedule and Delete, not Export; Schedule opens a form whose errors stay on their fields', async () => {
    const created = await h.command('new --name "Later" --channel email --template Welcome --list Newsletter');
    const card = h.slack.responsesTo(created.responseUrl)[0]!.body;
    const later = Number(/C-(\d+)/.exec(card.text)![1]);
    const ids = card.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id);
    expect(ids).toEqual(['campaign_edit', 'campaign_preview', 'campaign_test', 'campaign_clone', 'campaign_run', 'campaign_schedule', 'campaign_delete']);

    const cardTs = '1700000000.000900';
    await h.action(buttonClick({ actionId: 'campaign_schedule', value: String(later), user: USERS.marketer, responseUrl: h.slack.responseUrl('schedule'), messageTs: cardTs }));
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.schedule);
    expect(opened!.body.view.title.text.length).toBeLessThanOrEqual(24);
    const submit = (values: Record<string, Record<string, unknown>>) =>
      h.action(viewSubmission({ callbackId: VIEWS.schedule, user: USERS.marketer, privateMetadata: opened!.body.view.private_metadata, values: { [FIELDS.tz.block]: { tz: text('UTC') }, ...values } }));
    const neither = await submit({});
    expect(Object.keys(neither.json.errors)).toEqual([FIELDS.date.block]);
    const past = await submit({ [FIELDS.date.block]: { date: date('2020-01-01') }, [FIELDS.time.block]: { time: time('09:00') } });
    expect(Object.keys(past.json.errors)).toEqual([FIELDS.date.block]);
    expect(past.json.errors[FIELDS.date.block]).toMatch(/past/);
    expect(await h.t.app.deps.campaigns.get(later)).toMatchObject({ status: 'ready' });
    const sendDay = DateTime.fromJSDate(h.t.clock.now(), { zone: 'UTC' }).plus({ days: 3 }).toISODate()!;
    const good = await submit({ [FIELDS.date.block]: { date: date(sendDay) }, [FIELDS.time.block]: { time: time('09:00') } });
    expect(good.text).toBe('');
    expect(await h.t.app.deps.campaigns.get(later)).toMatchObject({ status: 'scheduled', sendAt: new Date(`${sendDay}T09:00:00Z`) });
    const update = h.slack.last('chat.update');
    expect(update?.body.ts).toBe(cardTs);
    expect(update!.body.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id)).not.toContain('campaign_schedule');
  });

  it('Delete removes a ready campaign and replaces its card', async () => {
    const created = await h.command('new --name "Unwanted" --channel email --template Welcome --list Newsletter');
    const unwanted = Number(/C-(\d+)/.exec(h.slack.responsesTo(created.responseUrl)[0]!.body.text)![1]);
    const responseUrl = h.slack.responseUrl('delete');
    await h.action(buttonClick({ actionId: 'campaign_delete', value: String(unwanted), user: USERS.marketer, responseUrl }));
    expect(await h.t.app.deps.campaigns.get(unwanted)).toBeNull();
    const [answer] = h.slack.responsesTo(responseUrl);
    expect(answer?.body.replace_original).toBe(true);
    expect(answer?.body.text).toMatch(new RegExp(`^Deleted C-${unwanted}`));
  });

  it('App Home is published on app_home_opened with my campaigns and, for approvers, approvals', async () => {
    const event = (user: string) => ({
      body: JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: `Ev${user}`, event_time: 1, event: { type: 'app_home_opened', user, channel: 'D1', tab: 'home', event_ts: '1.1' } }),
      contentType: 'application/json',
    });
    expect((await h.post(event(USERS.marketer))).status).toBe(200);
    const home = h.slack.last('views.publish');
    expect(home?.body.user_id).toBe(USERS.marketer);
    expect(home!.body.view.blocks.length).toBeLessThanOrEqual(100);
    const homeText = JSON.stringify(home!.body.view.blocks);
    expect(homeText).toContain('My campaigns');
    expect(homeText).toContain('Winter sale');
    expect(homeText).not.toContain('Pending approvals');
    await h.post(event(USERS.approver));
    expect(JSON.stringify(h.slack.last('views.publish')!.body.view.blocks)).toContain('Pending approvals');
    const retried = { ...event(USERS.viewer), headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } };
    const before = h.slack.callsOf('views.publish').length;
    await h.post(retried);
    expect(h.slack.callsOf('views.publish').length).toBe(before);
  });
});
