import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpEmailProvider } from '../../../src/adapters/channels/smtp-email-provider.js';
import { FIELDS, VIEWS } from '../../../src/slack/ids.js';
import { startSmtpSink, type SmtpSink } from '../../fakes/smtp-sink.js';
import { createdId, importContacts, noPacing } from '../../support/delivery-fixtures.js';
import { buttonClick, createSlackHarness, text, USERS, viewSubmission, type SlackHarness } from './slack-harness.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Slack gives a view submission 3 seconds; a test send waits for the pacer and a live provider
 * call, which may take longer. With Bolt's production setting (processBeforeResponse: false, the
 * answer goes out at ack) the modal must be acknowledged before the send, and the result told after.
 * The SMTP server here holds its reply to the message until the test releases it.
 */
describe('test send acknowledges before sending (Bolt processBeforeResponse: false)', () => {
  let h: SlackHarness;
  let sink: SmtpSink;
  let provider: SmtpEmailProvider;
  let release = () => {};

  beforeAll(async () => {
    sink = await startSmtpSink();
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 2, dkim: null });
    h = await createSlackHarness('embedded', { processBeforeResponse: false, overrides: { providers: { email: provider }, pacer: noPacing } });
    await h.t.run('templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}" --from-email news@example.com');
    await importContacts(h.t, 'Crowd', 'email,first_name', ['a@crowd.example.com,A']);
  });
  afterAll(async () => {
    release();
    await h?.close();
    await provider?.close();
    await sink?.close();
  });

  it('the modal is answered while the provider still holds the message; the result arrives privately after', async () => {
    const created = await h.t.run('new --name "Slow" --channel email --template Welcome --list Crowd', USERS.marketer);
    const id = createdId(created.text);
    const click = await h.action(buttonClick({ actionId: 'campaign_test', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('slow') }));
    expect(click.status).toBe(200);
    const opened = await h.slack.waitFor((c) => c.method === 'views.open');

    const held = deferred();
    const arrived = deferred<string[]>();
    release = held.resolve;
    sink.hold = async (to) => {
      arrived.resolve(to);
      await held.promise;
    };
    const submitted = viewSubmission({ callbackId: VIEWS.testSend, user: USERS.marketer, privateMetadata: opened.body.view.private_metadata, values: { [FIELDS.to.block]: { to: text('QA@Example.com') } } });
    // Before the fix the listener sent first and acked after, so with the reply held Bolt's 3 s
    // timer answered 404 (what Slack shows as an error), and the ack came too late.
    const res = await h.action(submitted);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');

    // The send is under way and cannot have completed: the server has the message and holds its reply.
    expect(await arrived.promise).toEqual(['qa@example.com']);
    expect(h.slack.callsOf('chat.postEphemeral')).toHaveLength(0);
    held.resolve();
    const result = await h.slack.waitFor((c) => c.method === 'chat.postEphemeral');
    expect(result.body.user).toBe(USERS.marketer);
    expect(result.body.text).toMatch(new RegExp(`^Sent a test email of C-${id} to qa@example.com`));
    sink.hold = undefined;
  });

  it('a bad address is still an error on the address field, in the ack, and nothing is sent', async () => {
    const created = await h.t.run('new --name "Typo" --channel email --template Welcome --list Crowd', USERS.marketer);
    const id = createdId(created.text);
    const before = sink.mails.length;
    const res = await h.action(viewSubmission({ callbackId: VIEWS.testSend, user: USERS.marketer, privateMetadata: JSON.stringify({ campaignId: id }), values: { [FIELDS.to.block]: { to: text('not-an-address') } } }));
    expect(res.json.response_action).toBe('errors');
    expect(Object.keys(res.json.errors)).toEqual([FIELDS.to.block]);
    expect(res.json.errors[FIELDS.to.block]).toMatch(/is not an email address/);
    expect(sink.mails.length).toBe(before);
  });
});
