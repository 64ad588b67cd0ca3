import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpEmailProvider } from '../../../src/adapters/channels/smtp-email-provider.js';
import { FIELDS, VIEWS } from '../../../src/slack/ids.js';
import type { SlackCall } from '../../fakes/slack-api-server.js';
import { startSmtpSink, type SmtpSink } from '../../fakes/smtp-sink.js';
import { campaignStatus, importContacts, noPacing } from '../../support/delivery-fixtures.js';
import { buttonClick, createSlackHarness, text, USERS, viewSubmission, type SlackHarness } from './slack-harness.js';

const ENV = { SEND_BATCH_SIZE: '10', SEND_CONCURRENCY: '5', EMAIL_RATE_PER_SECOND: '1000' };

/**
 * The other Slack tests run Bolt with `processBeforeResponse: true`, so each HTTP answer waits for
 * the listener. Production runs with `false` (src/slack/slack-app.ts): Slack gets its answer at
 * `ack()` and the work goes on afterwards. Here a whole campaign goes through Slack that way: every
 * reply is awaited where it lands (response_url, chat.update, views.open), never on the HTTP answer.
 */
describe('a campaign end to end through Slack with Bolt in production mode (processBeforeResponse: false)', () => {
  let h: SlackHarness;
  let sink: SmtpSink;
  let provider: SmtpEmailProvider;

  /** The next call to the fake Slack that matches, whether it already happened or not. */
  const next = (match: (c: SlackCall) => boolean) => h.slack.waitFor(match);
  const answerAt = (responseUrl: string) => next((c) => c.method === 'response' && responseUrl.endsWith(c.body.__url));
  const buttons = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.action_id as string));

  beforeAll(async () => {
    sink = await startSmtpSink();
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 5, dkim: null });
    h = await createSlackHarness('embedded', { processBeforeResponse: false, env: ENV, overrides: { providers: { email: provider }, pacer: noPacing } });
    await h.t.run('templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}" --from-email news@example.com');
    await importContacts(h.t, 'Crowd', 'email,first_name', ['a@crowd.example.com,A', 'b@crowd.example.com,B', 'c@crowd.example.com,C']);
  });
  afterAll(async () => {
    await h?.close();
    await provider?.close();
    await sink?.close();
  });

  it('creates, edits in a modal, runs from the card, sends, and shows the result', async () => {
    // /campaign new: the HTTP answer is the bare ack; the card arrives on the response_url.
    const created = await h.command('new --name "Spring sale" --channel email --template Welcome --list Crowd');
    expect(created.status).toBe(200);
    const card = await answerAt(created.responseUrl);
    expect(card.body.response_type).toBe('in_channel');
    const id = Number(/C-(\d+)/.exec(card.body.text)![1]);
    expect(buttons(card.body.blocks)).toEqual(expect.arrayContaining(['campaign_edit', 'campaign_run']));

    // Edit opens the form; a field error still comes back in the HTTP answer (through ack), and the
    // modal stays open; the corrected submission saves and updates the card in place.
    const cardTs = '1700000000.000900';
    const opened = h.slack.callsOf('views.open').length;
    await h.action(buttonClick({ actionId: 'campaign_edit', value: String(id), user: USERS.marketer, responseUrl: h.slack.responseUrl('edit'), messageTs: cardTs }));
    const form = await next((c) => c.method === 'views.open' && h.slack.callsOf('views.open').indexOf(c) >= opened);
    expect(form.body.view.callback_id).toBe(VIEWS.campaignForm);
    const submit = (values: Record<string, Record<string, unknown>>) =>
      h.action(viewSubmission({ callbackId: VIEWS.campaignForm, user: USERS.marketer, viewId: 'VPROD1', privateMetadata: form.body.view.private_metadata, values }));
    const bad = await submit({ [FIELDS.list.block]: { list: text('Nowhere') } });
    expect(bad.json?.response_action).toBe('errors');
    expect(Object.keys(bad.json.errors)).toEqual([FIELDS.list.block]);
    expect((await h.t.app.deps.campaigns.get(id))!.name).toBe('Spring sale');
    const good = await submit({ [FIELDS.name.block]: { name: text('Spring sale, final') } });
    expect(good.status).toBe(200);
    const updated = await next((c) => c.method === 'chat.update' && c.body.ts === cardTs);
    expect(updated.body.text).toMatch(new RegExp(`Saved C-${id}`));
    expect(JSON.stringify(updated.body.blocks)).toContain("Spring sale, final");
    expect((await h.t.app.deps.campaigns.get(id))!.name).toBe('Spring sale, final');

    // Run from the card: acked at once, then the card is replaced with the queued campaign.
    const runUrl = h.slack.responseUrl('run');
    const run = await h.action(buttonClick({ actionId: 'campaign_run', value: String(id), user: USERS.marketer, responseUrl: runUrl, messageTs: cardTs }));
    expect(run.status).toBe(200);
    const ran = await answerAt(runUrl);
    expect(ran.body.replace_original).toBe(true);
    expect(ran.body.text).toMatch(new RegExp(`C-${id}`));
    expect(await campaignStatus(h.t, id)).toBe('queued');
    expect(buttons(ran.body.blocks)).not.toContain('campaign_run');

    // The engine sends it: every recipient gets one mail at a real SMTP server.
    await h.t.app.worker.drain();
    expect(await campaignStatus(h.t, id)).toBe('completed');
    const received = sink.perRecipient();
    expect(['a', 'b', 'c'].map((u) => received.get(`${u}@crowd.example.com`))).toEqual([1, 1, 1]);

    // /campaign show says so.
    const shown = await h.command(`show C-${id}`, USERS.viewer);
    const answer = await answerAt(shown.responseUrl);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.body.blocks)).toMatch(/completed/);
    expect(JSON.stringify(answer.body.blocks)).toMatch(/delivered/);
  });
});
