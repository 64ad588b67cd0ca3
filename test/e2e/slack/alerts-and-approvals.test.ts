import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expireApprovals, finishApprovedCancels } from '../../../src/domain/campaign/cancel-campaign.js';
import { ALERT_ACTIONS, FIELDS, VIEWS } from '../../../src/slack/ids.js';
import type { SlackCall } from '../../fakes/slack-api-server.js';
import { assertPostable } from '../../support/block-kit-limits.js';
import { campaignStatus, createdId, importContacts, ok, sendingCampaign as sendingCampaignOf } from '../../support/delivery-fixtures.js';
import { buttonClick, createEmailSlackHarness, SLACK_RETRY, text, USERS, viewSubmission, type EmailSlackHarness } from './slack-harness.js';

const ALERTS = 'CALERTS';
const ONCALL = 'SONCALL';
const ENV = { SEND_BATCH_SIZE: '2', SEND_CONCURRENCY: '1', EMAIL_RATE_PER_SECOND: '1000', APPROVAL_TTL_MINUTES: '30', ERROR_BUDGET_PERCENT: '50', ERROR_BUDGET_MIN_ATTEMPTS: '4' };

describe('alerts in the alerts channel, and approvals decided there, through the real Bolt app', () => {
  let h: EmailSlackHarness;

  const must = (line: string, actor: string = USERS.marketer) => ok(h.t, line, actor);
  /** A campaign in `sending` with its messages still queued (the worker does not run until a drain). */
  const sendingCampaign = (name: string) => sendingCampaignOf(h.t, name, 'Crowd', USERS.marketer);
  /** A person's cancel of a sending campaign through the cancel modal, as Slack sends it. */
  async function requestCancel(id: number, user: string): Promise<number> {
    await h.command(`cancel C-${id}`, user);
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.cancelConfirm);
    const res = await h.action(viewSubmission({ callbackId: VIEWS.cancelConfirm, user, privateMetadata: opened!.body.view.private_metadata, values: { [FIELDS.confirmId.block]: { confirm_id: text(`C-${id}`) } } }));
    expect(res.status).toBe(200);
    return (await h.t.app.deps.approvals.pendingFor(id, h.t.clock.now()))!.id;
  }
  const alertPosts = () => h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === ALERTS);
  /** The alert's latest content: the last chat.update of its message. */
  function alertNow(ts: string): SlackCall {
    const updates = h.slack.callsOf('chat.update').filter((c) => c.body.channel === ALERTS && c.body.ts === ts);
    expect(updates.length).toBeGreaterThan(0);
    return updates.at(-1)!;
  }
  const buttonsOf = (call: SlackCall) => (call.body.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements).map((e: any) => [e.action_id, e.value]);
  const dmTexts = (user: string) => h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === user).map((c) => String(c.body.text));
  /** Slack's click on an alert's button: the alerts channel's message, with its own response_url. */
  function alertClick(input: { actionId: string; value: string; user: string; ts: string; responseUrl: string; actionTs?: string }) {
    const click = buttonClick({ actionId: input.actionId, value: input.value, user: input.user, responseUrl: input.responseUrl, messageTs: input.ts, blockId: 'alert', ...(input.actionTs ? { actionTs: input.actionTs } : {}) });
    return { ...click, container: { ...click.container, channel_id: ALERTS }, channel: { id: ALERTS, name: 'alerts' } };
  }
  /** Where the alert about `subject` was posted (the store is what any replica reads). */
  async function alertTs(kind: 'approval' | 'suspended', subject: number): Promise<string> {
    await h.edge.settled();
    const stored = await h.t.app.stores.alerts.get(kind, String(subject));
    expect(stored).not.toBeNull();
    return stored!.ts;
  }

  beforeAll(async () => {
    h = await createEmailSlackHarness({ env: ENV, slack: { alertsChannel: ALERTS, oncallGroup: ONCALL } });
  });
  afterAll(() => h?.close());
  beforeEach(() => {
    h.slack.clear();
  });

  it("a marketer's cancel asks the on-call group; the approver's click cancels once, edits the alert and tells the requester", async () => {
    const id = await sendingCampaign('Big send');
    const aid = await requestCancel(id, USERS.marketer);
    const ts = await alertTs('approval', aid);

    const posted = alertPosts();
    expect(posted).toHaveLength(1);
    const alert = posted[0]!;
    assertPostable(alert.body);
    expect(alert.body.text).toContain(`<!subteam^${ONCALL}>`);
    expect(JSON.stringify(alert.body.blocks)).toContain(`<!subteam^${ONCALL}>`);
    expect(alert.body.text).toContain(`Cancel of C-${id} "Big send" needs an approver (A-${aid})`);
    expect(JSON.stringify(alert.body.blocks)).toMatch(/expires at 2026-11-22 10:30 UTC/);
    expect(buttonsOf(alert)).toEqual([[ALERT_ACTIONS.approve, String(aid)], [ALERT_ACTIONS.deny, String(aid)], [ALERT_ACTIONS.open, String(id)]]);
    // The request is in the activity log; the Home tab keeps its list (the approvals store).
    expect((await h.t.app.deps.campaigns.activity(id, 50)).map((e) => e.action)).toContain('cancel_requested');
    expect((await h.t.app.deps.approvals.listPending(h.t.clock.now())).map((a) => a.id)).toContain(aid);

    // The requester has no approver role: refused, nothing decided.
    const mine = h.slack.responseUrl('alert-self');
    await h.action(alertClick({ actionId: ALERT_ACTIONS.approve, value: String(aid), user: USERS.marketer, ts, responseUrl: mine }));
    expect(String(h.slack.responsesTo(mine).at(-1)?.body.text)).toMatch(/Approve cancel button needs the \*approver\* role; you have the marketer role/);
    expect(await h.t.app.deps.approvals.get(aid)).toMatchObject({ status: 'pending' });

    // The approver: a double click and a Slack retry of the same click apply once.
    const url = h.slack.responseUrl('alert-approve');
    const click = alertClick({ actionId: ALERT_ACTIONS.approve, value: String(aid), user: USERS.approver, ts, responseUrl: url });
    const [a, b] = await Promise.all([h.action(click), h.action({ ...click, actions: [{ ...click.actions[0]!, action_ts: '1900000000.000002' }] })]);
    const retried = await h.post({ body: new URLSearchParams({ payload: JSON.stringify(click) }).toString(), headers: SLACK_RETRY });
    expect([a.status, b.status, retried.status]).toEqual([200, 200, 200]);
    expect(await campaignStatus(h.t, id)).toBe('cancelled');
    expect((await h.t.app.deps.campaigns.activity(id, 100)).filter((e) => e.action === 'cancel')).toHaveLength(1);
    const answers = h.slack.responsesTo(url).map((r) => String(r.body.text));
    expect(answers.filter((t) => t.startsWith(`Approved A-${aid}`))).toHaveLength(1);
    expect(answers.filter((t) => /^Already (done|received)/.test(t))).toHaveLength(1);
    expect(answers).toHaveLength(2);

    // The alert now says who decided and when, and offers no decision any more.
    await h.edge.settled();
    const edited = alertNow(ts);
    expect(edited.method).toBe('chat.update');
    assertPostable(edited.body);
    expect(JSON.stringify(edited.body.blocks)).toContain(`Approved by <@${USERS.approver}> at 2026-11-22 10:00 UTC`);
    expect(buttonsOf(edited)).toEqual([[ALERT_ACTIONS.open, String(id)]]);
    expect(dmTexts(USERS.marketer).filter((t) => t === `<@${USERS.approver}> approved your request A-${aid} to cancel C-${id}: it is cancelled.`)).toHaveLength(1);

    // Someone else's later click is told who decided first.
    const late = h.slack.responseUrl('alert-late');
    await h.action(alertClick({ actionId: ALERT_ACTIONS.deny, value: String(aid), user: USERS.admin, ts, responseUrl: late }));
    expect(String(h.slack.responsesTo(late).at(-1)?.body.text)).toMatch(new RegExp(`A-${aid} was already approved by <@${USERS.approver}>`));
    expect(await h.t.app.deps.approvals.get(aid)).toMatchObject({ status: 'approved', decidedBy: USERS.approver });
  });

  it('a request whose notification was lost (the process died after storing it) is posted when it is asked again, and only once', async () => {
    const id = await sendingCampaign('Lost request');
    // What a process killed between the approval's insert and its notification leaves: a pending request nobody was told of.
    const now = h.t.clock.now();
    const lost = await h.t.app.deps.approvals.create({ campaignId: id, action: 'cancel', requestedBy: USERS.marketer, reason: null, requestedAt: now, expiresAt: new Date(now.getTime() + 30 * 60_000) });
    await h.edge.settled();
    expect(alertPosts()).toHaveLength(0);
    // The marketer asks again (the first answer never came): the same request, now told to on-call.
    expect(await requestCancel(id, USERS.marketer)).toBe(lost.id);
    await alertTs('approval', lost.id);
    expect(alertPosts()).toHaveLength(1);
    expect(alertPosts()[0]!.body.text).toContain(`Cancel of C-${id} "Lost request" needs an approver (A-${lost.id})`);
    // Asking once more posts nothing new: the alert already shows that request.
    await requestCancel(id, USERS.marketer);
    await h.edge.settled();
    expect(alertPosts()).toHaveLength(1);
    expect(h.slack.callsOf('chat.update').filter((c) => c.body.channel === ALERTS)).toHaveLength(0);
    // Decided, so no later test meets it pending (the expiry job would close it there).
    await must(`deny A-${lost.id}`, USERS.approver);
    await h.edge.settled();
  });

  it('an approver cannot approve their own request; a decision typed in the console edits the alert and DMs the requester', async () => {
    const id = await sendingCampaign('Second send');
    const aid = await requestCancel(id, USERS.approver);
    const ts = await alertTs('approval', aid);

    const self = h.slack.responseUrl('alert-own');
    await h.action(alertClick({ actionId: ALERT_ACTIONS.approve, value: String(aid), user: USERS.approver, ts, responseUrl: self }));
    expect(String(h.slack.responsesTo(self).at(-1)?.body.text)).toMatch(/You asked for this cancel, so someone else must approve it/);
    expect(await h.t.app.deps.approvals.get(aid)).toMatchObject({ status: 'pending' });
    expect(await campaignStatus(h.t, id)).toBe('sending');

    h.t.clock.advance(5 * 60_000);
    expect(await must(`deny A-${aid}`, USERS.admin)).toMatch(new RegExp(`Denied A-${aid}`));
    await h.edge.settled();
    const edited = alertNow(ts);
    expect(edited.method).toBe('chat.update');
    assertPostable(edited.body);
    expect(JSON.stringify(edited.body.blocks)).toContain(`Denied by <@${USERS.admin}> at 2026-11-22 10:05 UTC: C-${id} keeps sending.`);
    expect(buttonsOf(edited)).toEqual([[ALERT_ACTIONS.open, String(id)]]);
    expect(dmTexts(USERS.approver)).toContain(`<@${USERS.admin}> denied your request A-${aid} to cancel C-${id}; it keeps sending.`);
    expect((await h.t.app.deps.campaigns.activity(id, 50)).map((e) => e.action)).toContain('cancel_denied');
    await h.t.app.worker.drain();
  });

  it('a request nobody decides expires: the alert says so, the requester is told, and a late click is refused', async () => {
    const id = await sendingCampaign('Third send');
    const aid = await requestCancel(id, USERS.marketer);
    const ts = await alertTs('approval', aid);

    h.t.clock.advance(31 * 60_000);
    expect((await expireApprovals(h.t.app.deps)).map((a) => a.id)).toEqual([aid]);
    await h.edge.settled();
    const edited = alertNow(ts);
    expect(edited.method).toBe('chat.update');
    assertPostable(edited.body);
    expect(JSON.stringify(edited.body.blocks)).toMatch(/Expired at 2026-11-22 1\d:\d\d UTC with no decision/);
    expect(buttonsOf(edited)).toEqual([[ALERT_ACTIONS.open, String(id)]]);
    expect(dmTexts(USERS.marketer).some((t) => t.startsWith(`Your request A-${aid} to cancel C-${id} expired at`))).toBe(true);
    expect((await h.t.app.deps.campaigns.activity(id, 50)).map((e) => e.action)).toContain('cancel_request_expired');

    const late = h.slack.responseUrl('alert-expired');
    await h.action(alertClick({ actionId: ALERT_ACTIONS.approve, value: String(aid), user: USERS.approver, ts, responseUrl: late }));
    expect(String(h.slack.responsesTo(late).at(-1)?.body.text)).toMatch(new RegExp(`A-${aid} was already expired`));
    expect(await campaignStatus(h.t, id)).toBe('sending');
    await h.t.app.worker.drain();
  });

  it('an approval whose process stopped before it cancelled is finished by the approval job: cancelled once, the alert edited, the requester told', async () => {
    const id = await sendingCampaign('Half decided');
    const aid = await requestCancel(id, USERS.marketer);
    const ts = await alertTs('approval', aid);
    // What an approver's process killed between recording the decision and cancelling leaves: approved, still sending, nobody told.
    expect(await h.t.app.deps.approvals.decide(aid, 'approved', USERS.approver, h.t.clock.now())).toMatchObject({ status: 'approved' });
    expect(await campaignStatus(h.t, id)).toBe('sending');

    expect((await finishApprovedCancels(h.t.app.deps)).map((a) => a.id)).toEqual([aid]);
    expect(await campaignStatus(h.t, id)).toBe('cancelled');
    const cancel = (await h.t.app.deps.campaigns.activity(id, 50)).filter((e) => e.action === 'cancel');
    expect(cancel).toHaveLength(1);
    expect(cancel[0]).toMatchObject({ actor: USERS.approver, detail: { approvalId: aid, requestedBy: USERS.marketer, finishedBy: 'system:scheduler' } });
    await h.edge.settled();
    expect(JSON.stringify(alertNow(ts).body.blocks)).toContain(`Approved by <@${USERS.approver}>`);
    expect(dmTexts(USERS.marketer)).toContain(`<@${USERS.approver}> approved your request A-${aid} to cancel C-${id}: it is cancelled.`);

    // The next minute finds nothing left to finish, and tells nobody again.
    const updates = h.slack.callsOf('chat.update').length;
    expect(await finishApprovedCancels(h.t.app.deps)).toEqual([]);
    await h.edge.settled();
    expect(h.slack.callsOf('chat.update')).toHaveLength(updates);
    await h.t.app.worker.drain();
  });

  it('an error burst: the delivery engine suspends the campaign and the on-call group is alerted with the reason', async () => {
    await importContacts(h.t, 'Broken', 'email,first_name', Array.from({ length: 10 }, (_, i) => `bad${i}@broken.example.com,B${i}`));
    h.sink.verdict = (to) => (to.startsWith('bad') ? { code: 550, text: '5.1.1 User unknown' } : 'accept');
    try {
      const out = await must('new --name "Burst" --channel email --template Welcome --list Broken');
      const id = createdId(out);
      await must(`run C-${id}`);
      await h.t.app.worker.drain();
      expect(await campaignStatus(h.t, id)).toBe('suspended');
      const ts = await alertTs('suspended', id);
      const alert = alertPosts().at(-1)!;
      assertPostable(alert.body);
      expect(alert.body.text).toContain(`<!subteam^${ONCALL}>`);
      expect(alert.body.text).toContain(`C-${id} "Burst" was suspended`);
      expect(JSON.stringify(alert.body.blocks)).toMatch(/error budget/i);
      expect(buttonsOf(alert)).toEqual([[ALERT_ACTIONS.resume, String(id)], [ALERT_ACTIONS.open, String(id)]]);
      await must(`cancel C-${id} --confirm C-${id}`, USERS.admin);
      await h.edge.settled();
      const closed = alertNow(ts);
      expect(JSON.stringify(closed.body.blocks)).toContain(`Cancelled by <@${USERS.admin}>`);
      expect(buttonsOf(closed)).toEqual([[ALERT_ACTIONS.open, String(id)]]);
      expect((await h.t.app.stores.alerts.get('suspended', String(id)))?.state).toBe('closed');
    } finally {
      h.sink.verdict = () => 'accept';
    }
  });

  it('a suspension alert: Resume and Pause work from it, and it follows the campaign until it completes', async () => {
    const id = await sendingCampaign('Fragile send');
    // As the delivery engine suspends a run whose error budget is spent (send-batch.ts suspend()).
    const reason = 'error budget spent: 4 of 6 attempts failed for good';
    await h.t.app.deps.campaigns.transition(id, { name: 'suspend', onlyFrom: ['sending'] }, 'suspended', { resumeTo: 'sending', statusReason: reason }, { actor: 'system:delivery', action: 'suspend', reason });
    const ts = await alertTs('suspended', id);
    const alert = alertPosts().at(-1)!;
    assertPostable(alert.body);
    expect(alert.body.text).toContain(`<!subteam^${ONCALL}>`);
    expect(alert.body.text).toContain(`C-${id} "Fragile send" was suspended`);
    expect(JSON.stringify(alert.body.blocks)).toContain(reason);
    expect(JSON.stringify(alert.body.blocks)).toMatch(/What to do:\* Fix the cause/);
    expect(buttonsOf(alert)).toEqual([[ALERT_ACTIONS.resume, String(id)], [ALERT_ACTIONS.open, String(id)]]);

    h.t.clock.advance(60_000);
    const resumeUrl = h.slack.responseUrl('alert-resume');
    const resume = alertClick({ actionId: ALERT_ACTIONS.resume, value: String(id), user: USERS.marketer, ts, responseUrl: resumeUrl });
    await h.action(resume);
    await h.post({ body: new URLSearchParams({ payload: JSON.stringify(resume) }).toString(), headers: SLACK_RETRY });
    expect(await campaignStatus(h.t, id)).toBe('sending');
    expect((await h.t.app.deps.campaigns.activity(id, 50)).filter((e) => e.action === 'resume')).toHaveLength(1);
    expect(h.slack.responsesTo(resumeUrl)).toHaveLength(1);
    await h.edge.settled();
    let now = alertNow(ts);
    assertPostable(now.body);
    expect(JSON.stringify(now.body.blocks)).toMatch(new RegExp(`Resumed by <@${USERS.marketer}> at 2026-11-22 \\d\\d:\\d\\d UTC\\.`));
    expect(buttonsOf(now)).toEqual([[ALERT_ACTIONS.pause, String(id)], [ALERT_ACTIONS.retry, String(id)], [ALERT_ACTIONS.open, String(id)]]);

    await h.action(alertClick({ actionId: ALERT_ACTIONS.pause, value: String(id), user: USERS.approver, ts, responseUrl: h.slack.responseUrl('alert-pause') }));
    expect(await campaignStatus(h.t, id)).toBe('paused');
    await h.edge.settled();
    now = alertNow(ts);
    expect(JSON.stringify(now.body.blocks)).toContain(`Paused by <@${USERS.approver}>`);
    expect(buttonsOf(now)).toEqual([[ALERT_ACTIONS.resume, String(id)], [ALERT_ACTIONS.open, String(id)]]);

    // Resumed from the console; the send completes by itself, and the alert closes saying so.
    await must(`resume C-${id}`, 'oncall-bob');
    await h.t.app.worker.drain();
    expect(await campaignStatus(h.t, id)).toBe('completed');
    await h.edge.settled();
    now = alertNow(ts);
    assertPostable(now.body);
    const shown = JSON.stringify(now.body.blocks);
    expect(shown).toContain('Resumed by oncall-bob (console)');
    expect(shown).toContain('Completed by Herald');
    expect(buttonsOf(now)).toEqual([[ALERT_ACTIONS.retry, String(id)], [ALERT_ACTIONS.open, String(id)]]);
    expect((await h.t.app.stores.alerts.get('suspended', String(id)))?.state).toBe('closed');
    // One alert, edited in place: nothing new was posted for it.
    expect(alertPosts()).toHaveLength(1);

    // Open campaign shows the campaign's card to the person who clicked.
    const openUrl = h.slack.responseUrl('alert-open');
    await h.action(alertClick({ actionId: ALERT_ACTIONS.open, value: String(id), user: USERS.viewer, ts, responseUrl: openUrl }));
    const card = h.slack.responsesTo(openUrl).at(-1);
    expect(card?.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(card?.body.blocks)).toContain('Fragile send');

    // Retry failed opens the same confirmation as the card's, with the real count (none failed here).
    await h.action(alertClick({ actionId: ALERT_ACTIONS.retry, value: String(id), user: USERS.marketer, ts, responseUrl: h.slack.responseUrl('alert-retry') }));
    const opened = h.slack.last('views.open');
    expect(opened?.body.view.callback_id).toBe(VIEWS.retryConfirm);
    expect(JSON.stringify(opened?.body.view.blocks)).toContain(`C-${id}`);
  });
});
