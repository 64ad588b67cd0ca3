import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIELDS, HOME_ACTIONS, VIEWS } from '../../../src/slack/ids.js';
import { campaignStatus, createdId, importContacts, ok, sendingCampaign as sendingCampaignOf, statuses } from '../../support/delivery-fixtures.js';
import { buttonClick, createEmailSlackHarness, text, USERS, viewSubmission, type EmailSlackHarness } from './slack-harness.js';

/** The same delivery settings as test/integration/delivery-email.test.ts: no pacing, a budget 2-of-6 failures stay under. */
const ENV = { SEND_BATCH_SIZE: '10', SEND_CONCURRENCY: '5', EMAIL_RATE_PER_SECOND: '1000', RETRY_BASE_SECONDS: '60', MAX_SEND_ATTEMPTS: '3', ERROR_BUDGET_PERCENT: '50', ERROR_BUDGET_MIN_ATTEMPTS: '6' };

describe('approvals, retry, test send and template sending details through the real Bolt app', () => {
  let h: EmailSlackHarness;
  let homeSeq = 0;

  /** Runs a console line as `actor` that must succeed; returns its text. */
  const must = (line: string, actor: string = USERS.marketer) => ok(h.t, line, actor);
  async function newCampaign(name: string, list: string, template = 'Welcome'): Promise<number> {
    const out = await must(`new --name "${name}" --channel email --template ${template} --list ${list}`);
    return createdId(out);
  }
  /** Gets a campaign to `sending`: run, then one scheduler tick (nothing is sent: the worker never runs here). */
  const sendingCampaign = (name: string) => sendingCampaignOf(h.t, name, 'Crowd', USERS.marketer);
  /** app_home_opened as Slack sends it; returns the Home view published for `user`. */
  async function openHome(user: string) {
    const body = JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: `EvH${++homeSeq}`, event_time: 1, event: { type: 'app_home_opened', user, channel: 'D1', tab: 'home', event_ts: '1.1' } });
    expect((await h.post({ body, contentType: 'application/json' })).status).toBe(200);
    const home = h.slack.callsOf('views.publish').filter((c) => c.body.user_id === user).at(-1);
    expect(home).toBeDefined();
    return home!.body.view as { blocks: any[] };
  }
  /** A button click on the Home tab: the container is a view, there is no response_url. */
  function homeClick(input: { actionId: string; value: string; user: string; viewId?: string; actionTs?: string }) {
    const viewId = input.viewId ?? `VHOME${input.user}`;
    return {
      type: 'block_actions',
      team: { id: 'T1', domain: 'acme' },
      user: { id: input.user, username: input.user.toLowerCase(), team_id: 'T1' },
      api_app_id: 'A1',
      token: 'legacy',
      container: { type: 'view', view_id: viewId },
      trigger_id: `trig-home-${++homeSeq}`,
      view: { id: viewId, team_id: 'T1', type: 'home', blocks: [], private_metadata: '', callback_id: '', hash: 'h', app_id: 'A1', bot_id: 'BHERALD', state: { values: {} } },
      actions: [{ type: 'button', action_id: input.actionId, block_id: 'b', value: input.value, action_ts: input.actionTs ?? '1700000100.000001', text: { type: 'plain_text', text: 'x' } }],
    };
  }
  const dmTexts = (user: string) => h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === user).map((c) => String(c.body.text));
  const approvalButtons = (view: { blocks: any[] }) => view.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements).filter((e: any) => e.action_id === HOME_ACTIONS.approve || e.action_id === HOME_ACTIONS.deny);

  beforeAll(async () => {
    h = await createEmailSlackHarness({ env: ENV });
  });
  afterAll(() => h?.close());
  beforeEach(() => {
    h.slack.clear();
  });

  it('cancelling a sending campaign waits for a second approver; the requester cannot approve; approval applies once', async () => {
    const id = await sendingCampaign('Big send');
    const cardTs = '1700000000.000500';
    await h.action(buttonClick({ actionId: 'campaign_cancel', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('big-cancel'), messageTs: cardTs }));
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.cancelConfirm);
    expect(JSON.stringify(opened!.body.view.blocks)).toMatch(/is already sending/);
    const submitted = await h.action(viewSubmission({ callbackId: VIEWS.cancelConfirm, user: USERS.marketer, privateMetadata: opened!.body.view.private_metadata, values: { [FIELDS.confirmId.block]: { confirm_id: text(`C-${id}`) } } }));
    expect(submitted.text).toBe('');
    expect(await campaignStatus(h.t, id)).toBe('sending');
    const pending = await h.t.app.deps.approvals.pendingFor(id, h.t.clock.now());
    expect(pending).toMatchObject({ requestedBy: USERS.marketer, status: 'pending' });
    const aid = pending!.id;
    // The card the cancel came from says it now waits for an approver.
    const cardUpdate = h.slack.last('chat.update');
    expect(cardUpdate?.body.ts).toBe(cardTs);
    expect(cardUpdate?.body.text).toMatch(new RegExp(`needs a second person\\. Approval A-${aid} is waiting`));

    // The approver's Home lists it with Approve / Deny; the marketer's Home has no approvals section.
    const home = await openHome(USERS.approver);
    const homeText = JSON.stringify(home.blocks);
    expect(homeText).toContain('Pending approvals* (1)');
    expect(homeText).toContain(`*A-${aid}* cancel C-${id} Big send (sending)`);
    expect(approvalButtons(home).map((e: any) => [e.action_id, e.value])).toEqual([[HOME_ACTIONS.approve, String(aid)], [HOME_ACTIONS.deny, String(aid)]]);
    expect(JSON.stringify((await openHome(USERS.marketer)).blocks)).not.toContain('Pending approvals');

    // The requester (a forged click: the button is not on their Home) is refused privately.
    await h.action(homeClick({ actionId: HOME_ACTIONS.approve, value: String(aid), user: USERS.marketer }));
    expect(dmTexts(USERS.marketer).at(-1)).toMatch(/needs the \*approver\* role; you have the marketer role/);
    expect(await campaignStatus(h.t, id)).toBe('sending');

    // Another approver approves; a double click and a Slack retry of the same click apply once.
    h.slack.clear();
    const click = homeClick({ actionId: HOME_ACTIONS.approve, value: String(aid), user: USERS.approver });
    const [a, b] = await Promise.all([h.action(click), h.action({ ...click, actions: [{ ...click.actions[0]!, action_ts: '1700000100.000002' }] })]);
    const retried = await h.post({ body: new URLSearchParams({ payload: JSON.stringify(click) }).toString(), headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect([a.status, b.status, retried.status]).toEqual([200, 200, 200]);
    expect(await campaignStatus(h.t, id)).toBe('cancelled');
    expect(await h.t.app.deps.approvals.get(aid)).toMatchObject({ status: 'approved', decidedBy: USERS.approver });
    const activity = await h.t.app.deps.campaigns.activity(id, 100);
    expect(activity.filter((e) => e.action === 'cancel')).toHaveLength(1);
    const answers = dmTexts(USERS.approver);
    expect(answers.filter((t) => t.startsWith(`Approved A-${aid}: C-${id} is cancelled.`))).toHaveLength(1);
    // The double click is told it was already done; Slack's retry gets no second answer.
    expect(answers.filter((t) => /^Already (done|received)/.test(t))).toHaveLength(1);
    expect(answers).toHaveLength(2);
    // The requester hears the decision once (from the alert desk, after the notification).
    await h.edge.settled();
    expect(dmTexts(USERS.marketer).filter((t) => t === `<@${USERS.approver}> approved your request A-${aid} to cancel C-${id}: it is cancelled.`)).toHaveLength(1);
    // The decision is visible: the approver's Home was republished without the approval.
    const after = h.slack.callsOf('views.publish').filter((c) => c.body.user_id === USERS.approver).at(-1)!.body.view;
    expect(JSON.stringify(after.blocks)).toContain('Pending approvals* (0)');
    expect(approvalButtons(after)).toHaveLength(0);
  });

  it('an approver cannot approve their own request, a viewer is refused by role, and a deny keeps it sending', async () => {
    const id = await sendingCampaign('Second send');
    await h.command(`cancel C-${id}`, USERS.approver);
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.cancelConfirm);
    await h.action(viewSubmission({ callbackId: VIEWS.cancelConfirm, user: USERS.approver, privateMetadata: opened!.body.view.private_metadata, values: { [FIELDS.confirmId.block]: { confirm_id: text(`C-${id}`) } } }));
    const aid = (await h.t.app.deps.approvals.pendingFor(id, h.t.clock.now()))!.id;

    await h.action(homeClick({ actionId: HOME_ACTIONS.approve, value: String(aid), user: USERS.approver }));
    expect(dmTexts(USERS.approver).at(-1)).toMatch(/You asked for this cancel, so someone else must approve it/);
    expect(await campaignStatus(h.t, id)).toBe('sending');

    await h.action(homeClick({ actionId: HOME_ACTIONS.deny, value: String(aid), user: USERS.viewer }));
    expect(dmTexts(USERS.viewer).at(-1)).toMatch(/deny button needs the \*approver\* role; you have the viewer role/);
    expect(await h.t.app.deps.approvals.get(aid)).toMatchObject({ status: 'pending' });

    await h.action(homeClick({ actionId: HOME_ACTIONS.deny, value: String(aid), user: USERS.admin }));
    expect(dmTexts(USERS.admin).at(-1)).toMatch(new RegExp(`^Denied A-${aid}: C-${id} keeps sending\\.`));
    expect(await h.t.app.deps.approvals.get(aid)).toMatchObject({ status: 'denied', decidedBy: USERS.admin });
    expect(await campaignStatus(h.t, id)).toBe('sending');
    // Let it finish so later drains do not carry it.
    await h.t.app.worker.drain();
  });

  it('Retry failed shows the real count, requeues the failed messages, and they are delivered after a drain', async () => {
    await importContacts(h.t, 'Mixed', 'email,first_name', ['f1@mixed.example.com,F', 'f2@mixed.example.com,G', 'f3@mixed.example.com,H', 'f4@mixed.example.com,I', 'odd1@mixed.example.com,O', 'odd2@mixed.example.com,P']);
    h.sink.verdict = (to) => (to.startsWith('odd') ? { code: 553, text: '5.3.0 Other mail system problem' } : 'accept');
    const id = await newCampaign('Retry me', 'Mixed');
    await must(`run C-${id}`);
    await h.t.app.worker.drain();
    expect(await campaignStatus(h.t, id)).toBe('completed');
    expect(Object.values(await statuses(h.t, id)).sort()).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'failed', 'failed']);

    const cardTs = '1700000000.000700';
    await h.action(buttonClick({ actionId: 'campaign_retry', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('retry-real'), messageTs: cardTs }));
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.retryConfirm);
    expect(opened!.body.view.submit?.text).toBe('Retry failed');
    const modalText = JSON.stringify(opened!.body.view.blocks);
    expect(modalText).toContain(`Retry 2 messages of C-${id} (2 failed)?`);
    expect(modalText).toContain('Press Retry failed to confirm.');
    expect(await campaignStatus(h.t, id)).toBe('completed');

    h.sink.verdict = () => 'accept';
    const submission = viewSubmission({ callbackId: VIEWS.retryConfirm, user: USERS.marketer, viewId: 'VRETRY1', privateMetadata: opened!.body.view.private_metadata, values: {} });
    const res = await h.action(submission);
    expect(res.text).toBe('');
    expect(await campaignStatus(h.t, id)).toBe('sending');
    const update = h.slack.last('chat.update');
    expect(update?.body.ts).toBe(cardTs);
    expect(update?.body.text).toMatch(new RegExp(`Retrying 2 messages of C-${id}`));
    // The same submission again (a Slack retry) is not applied twice.
    await h.action(submission);
    expect(h.slack.last('chat.postEphemeral')?.body.text).toMatch(/^Already done/);
    expect((await h.t.app.deps.campaigns.activity(id, 100)).filter((e) => /retry/.test(e.action))).toHaveLength(1);

    await h.t.app.worker.drain();
    expect(await statuses(h.t, id)).toMatchObject({ 'odd1@mixed.example.com': 'delivered', 'odd2@mixed.example.com': 'delivered' });
    expect(await campaignStatus(h.t, id)).toBe('completed');
    expect(h.sink.perRecipient().get('odd1@mixed.example.com')).toBe(1);
  });

  it('Test send: a bad address is an error on the address field; a good one sends one [TEST] mail and adds no message', async () => {
    const id = await newCampaign('Tested', 'Crowd');
    const statusBefore = await campaignStatus(h.t, id);
    await h.action(buttonClick({ actionId: 'campaign_test', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('test-send') }));
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.testSend);
    // Slack keeps the view id when a modal is resubmitted after a field error.
    const submit = (to: string) => h.action(viewSubmission({ callbackId: VIEWS.testSend, user: USERS.marketer, viewId: 'VTEST1', privateMetadata: opened!.body.view.private_metadata, values: { [FIELDS.to.block]: { to: text(to) } } }));
    const mailsBefore = h.sink.mails.length;
    const countRows = async () => (await h.t.db.prisma.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS n FROM message`)[0]!.n;
    const rowsBefore = Number(await countRows());

    const bad = await submit('not-an-address');
    expect(bad.json.response_action).toBe('errors');
    expect(Object.keys(bad.json.errors)).toEqual([FIELDS.to.block]);
    expect(bad.json.errors[FIELDS.to.block]).toMatch(/is not an email address/);
    expect(h.sink.mails.length).toBe(mailsBefore);

    const good = await submit('QA@Example.com');
    expect(good.text).toBe('');
    expect(h.sink.mails.length).toBe(mailsBefore + 1);
    expect(h.sink.mails.at(-1)!.to).toBe('qa@example.com');
    expect((await simpleParser(h.sink.mails.at(-1)!.raw)).subject).toMatch(/^\[TEST\] Hi /);
    expect(Number(await countRows())).toBe(rowsBefore);
    expect(h.slack.last('chat.postEphemeral')?.body.text).toMatch(new RegExp(`Sent a test email of C-${id} to qa@example.com`));
    expect(await campaignStatus(h.t, id)).toBe(statusBefore);
  });

  it('template sending details from App Home: the first submit counts the campaigns it changes, the confirm saves', async () => {
    await must('templates create Promo --channel email --subject "Deals" --text "Deals inside" --from-email deals@example.com');
    const a = await newCampaign('Promo one', 'Crowd', 'Promo');
    const b = await newCampaign('Promo two', 'Crowd', 'Promo');
    const templateId = (await h.t.app.deps.templates.findByName('Promo'))!.id;

    const home = await openHome(USERS.marketer);
    const button = home.blocks.map((x) => x.accessory).find((x: any) => x?.action_id === HOME_ACTIONS.editTemplateSending && x.value === String(templateId));
    expect(button).toBeDefined();
    await h.action(homeClick({ actionId: HOME_ACTIONS.editTemplateSending, value: String(templateId), user: USERS.marketer }));
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.templateSending);
    const values = { [FIELDS.fromName.block]: { from_name: text('Promo Team') }, [FIELDS.fromEmail.block]: { from_email: text('promo@example.com') }, [FIELDS.replyTo.block]: { reply_to: text('') } };

    const first = await h.action(viewSubmission({ callbackId: VIEWS.templateSending, user: USERS.marketer, privateMetadata: opened!.body.view.private_metadata, values }));
    expect(first.json.response_action).toBe('update');
    expect(first.json.view.callback_id).toBe(VIEWS.templateSendingConfirm);
    const impact = JSON.stringify(first.json.view.blocks);
    expect(impact).toContain(`2 now: C-${a} \\"Promo one\\", C-${b} \\"Promo two\\"`);
    expect((await h.t.app.deps.templates.get(templateId))!.sending).toMatchObject({ fromName: null, fromEmail: 'deals@example.com' });

    const confirmed = await h.action(viewSubmission({ callbackId: VIEWS.templateSendingConfirm, user: USERS.marketer, privateMetadata: first.json.view.private_metadata, values }));
    expect(confirmed.text).toBe('');
    expect(dmTexts(USERS.marketer).at(-1)).toMatch(/Saved template "Promo"/);
    expect((await h.t.app.deps.templates.get(templateId))!.sending).toMatchObject({ fromName: 'Promo Team', fromEmail: 'promo@example.com' });
    const shown = await must('templates show Promo');
    expect(shown).toContain('Promo Team');
    expect(shown).toContain('promo@example.com');
  });
});
