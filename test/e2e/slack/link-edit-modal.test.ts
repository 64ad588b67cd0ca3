import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SmtpEmailProvider } from '../../../src/adapters/channels/smtp-email-provider.js';
import { createHttpServer, type HttpServerHandle } from '../../../src/http/http-server.js';
import { FIELDS, VIEWS } from '../../../src/slack/ids.js';
import { startSmtpSink, type SmtpSink } from '../../fakes/smtp-sink.js';
import { assertPostable, assertWithinLimits } from '../../support/block-kit-limits.js';
import { importContacts, noPacing, ok } from '../../support/delivery-fixtures.js';
import { buttonClick, createSlackHarness, text, USERS, valuesAsOpened, viewSubmission, type SlackHarness } from './slack-harness.js';

const HTML = `<html><body><p>Hello {{ first_name }}</p>
<a href="https://shop.example.com/sale">Sale</a> <a href="https://shop.example.com/new">New</a>
<a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>`;

/**
 * A link's destination changed from Slack, through the real Bolt app over signed HTTP: the click
 * map's Edit button opens the modal, the modal runs the typed `links edit`, and the click redirect
 * of a message sent before the edit goes to the new destination.
 */
describe('link edit modal through the real Bolt app', () => {
  let h: SlackHarness;
  let sink: SmtpSink;
  let provider: SmtpEmailProvider;
  let http: HttpServerHandle;
  const html = new Map<string, string>();
  let sale = 0;
  let links: number[] = [];
  let presses = 0;

  const clicksOf = (body: string) => [...body.matchAll(/<a href="([^"]+\/c\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const destination = async (id: number) => (await h.t.db.prisma.$queryRaw<{ url: string }[]>`SELECT url FROM link WHERE id = ${id}`)[0]!.url;

  beforeAll(async () => {
    sink = await startSmtpSink();
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 2, dkim: null });
    h = await createSlackHarness('embedded', { env: { EMAIL_RATE_PER_SECOND: '1000', TRACKING_FLUSH_MS: '10' }, overrides: { pacer: noPacing } });
    h.t.app.delivery.providers.email = provider;
    http = createHttpServer(h.t.app.httpDeps(), { publicBaseUrl: null, twilio: null });
    h.t.app.setPublicBaseUrl(`http://127.0.0.1:${(await http.listen(0, '127.0.0.1')).port}`);
    await ok(h.t, `templates create Promo --channel email --subject "Hi" --text "Hi {{ first_name }}: {{ unsubscribe_url }}" --html '${HTML}' --from-email news@example.com`);
    await importContacts(h.t, 'Buyers', 'email,first_name', ['a@buy.example.com,A', 'b@buy.example.com,B']);
    await ok(h.t, 'new --name Promo --channel email --template Promo --list Buyers');
    await ok(h.t, 'run C-1001');
    await h.t.app.worker.drain();
    for (const m of sink.mails) html.set(m.to, String((await simpleParser(m.raw)).html));
    sale = (await h.t.db.prisma.$queryRaw<{ id: number }[]>`SELECT id FROM link WHERE campaign_id = 1001 AND original_url = 'https://shop.example.com/sale'`)[0]!.id;
    links = (await h.t.db.prisma.$queryRaw<{ id: number }[]>`SELECT id FROM link WHERE campaign_id = 1001 ORDER BY id`).map((l) => l.id);
  });
  afterAll(async () => {
    await http.close();
    await h.close();
    await provider.close();
    await sink.close();
  });
  beforeEach(() => h.slack.clear());

  /** `/campaign links C-1001` as `user`: the answer Slack got on the response_url. */
  async function linksAnswer(user: string) {
    const { responseUrl } = await h.command('links C-1001', user);
    return h.slack.responsesTo(responseUrl)[0]!.body as { text: string; blocks: any[] };
  }
  /** Presses the Edit button of `linkId` on the (ephemeral) click map; the modal Slack was asked to open, if any. */
  async function pressEdit(linkId: number, user: string = USERS.marketer) {
    presses += 1;
    const responseUrl = h.slack.responseUrl(`link-edit-${presses}`);
    await h.action(buttonClick({ actionId: `link_edit_${linkId}`, value: `1001:${linkId}`, user, responseUrl, ephemeral: true, blockId: 'links_1001' }));
    return { view: h.slack.last('views.open')?.body.view as { callback_id: string; blocks: any[]; private_metadata: string } | undefined, responses: h.slack.responsesTo(responseUrl) };
  }
  const submit = (view: { blocks: any[]; private_metadata: string }, url: string, user: string = USERS.marketer) =>
    h.action(viewSubmission({ callbackId: VIEWS.linkEdit, user, privateMetadata: view.private_metadata, blocks: view.blocks, values: valuesAsOpened(view, { [FIELDS.url.block]: { url: text(url) } }) }));

  it('the click map has an Edit button per link for a marketer, and none for a viewer; both within Block Kit limits', async () => {
    const marketer = await linksAnswer(USERS.marketer);
    assertPostable(marketer);
    const actions = marketer.blocks.filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    expect(actions[0].elements.map((e: any) => e.text.text).sort()).toEqual(links.map((id) => `Edit L-${id}`).sort());
    expect(links).toHaveLength(2);
    expect(actions[0].elements.find((e: any) => e.action_id === `link_edit_${sale}`).value).toBe(`1001:${sale}`);
    const viewer = await linksAnswer(USERS.viewer);
    assertPostable(viewer);
    expect(viewer.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(viewer.text).toBe(marketer.text);
  });

  it('the button opens the modal with the current destination and ids only; a bad URL stays on the URL field and changes nothing', async () => {
    const { view } = await pressEdit(sale);
    expect(view!.callback_id).toBe(VIEWS.linkEdit);
    assertWithinLimits(view!.blocks, 100);
    expect(JSON.parse(view!.private_metadata)).toEqual({ campaignId: 1001, linkId: sale, channelId: 'CCHAN' });
    const input = view!.blocks.find((b) => b.block_id === FIELDS.url.block);
    expect(input.element.initial_value).toBe('https://shop.example.com/sale');
    expect(JSON.stringify(view!.blocks)).toContain('goes to:\\nhttps://shop.example.com/sale');

    const bad = await submit(view!, 'javascript:alert(1)');
    expect(bad.json.response_action).toBe('errors');
    expect(Object.keys(bad.json.errors)).toEqual([FIELDS.url.block]);
    expect(bad.json.errors[FIELDS.url.block]).toMatch(/^Must be an http or https URL/);
    expect(bad.json.errors[FIELDS.url.block]).not.toMatch(/--url/);
    expect(await destination(sale)).toBe('https://shop.example.com/sale');
  });

  it('a good URL changes the destination: an already-sent message’s click goes to it, and the channel is told as for the typed command', async () => {
    const { view } = await pressEdit(sale);
    const saved = await submit(view!, 'https://shop.example.com/spring');
    expect(saved.status).toBe(200);
    expect(saved.text).toBe('');
    expect(await destination(sale)).toBe('https://shop.example.com/spring');
    const posted = h.slack.last('chat.postMessage')!.body;
    expect(posted.channel).toBe('CCHAN');
    expect(posted.text).toBe(`L-${sale} of C-1001 now goes to https://shop.example.com/spring (was https://shop.example.com/sale), for every recipient from now on.`);
    assertPostable(posted);
    // The message sent before the edit: its tracked link now redirects to the new destination.
    const res = await fetch(clicksOf(html.get('b@buy.example.com')!)[0]!, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 Firefox/133.0' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example.com/spring');
    expect(await ok(h.t, 'activity C-1001')).toContain(`link edited`);
    // Slack delivering one submission twice (a retry): applied once, answered once, no error in the modal.
    const { view: again } = await pressEdit(sale);
    const posts = h.slack.callsOf('chat.postMessage').length;
    const twice = () => h.action(viewSubmission({ callbackId: VIEWS.linkEdit, user: USERS.marketer, privateMetadata: again!.private_metadata, blocks: again!.blocks, values: valuesAsOpened(again!, { [FIELDS.url.block]: { url: text('https://shop.example.com/fall') } }), viewId: 'VSAME' }));
    expect((await twice()).text).toBe('');
    expect((await twice()).text).toBe('');
    expect(h.slack.callsOf('chat.postMessage').length).toBe(posts + 1);
    expect(await destination(sale)).toBe('https://shop.example.com/fall');
  });

  it('a destination changed by someone else since the modal opened is refused on the URL field, naming the new one', async () => {
    const { view } = await pressEdit(sale);
    await ok(h.t, `links C-1001 edit L-${sale} --url https://shop.example.com/summer`);
    const refused = await submit(view!, 'https://shop.example.com/autumn');
    expect(refused.json.errors[FIELDS.url.block]).toMatch(/^Changed by someone else since you opened this form: L-\d+ now goes to https:\/\/shop\.example\.com\/summer\./);
    expect(await destination(sale)).toBe('https://shop.example.com/summer');
    // A link id forged into the metadata (not one of the campaign's) is refused on the same field.
    const forged = await h.action(viewSubmission({ callbackId: VIEWS.linkEdit, user: USERS.marketer, privateMetadata: JSON.stringify({ campaignId: 1001, linkId: 99999 }), blocks: [], values: { [FIELDS.url.block]: { url: text('https://x.example.com/') } } }));
    expect(forged.json.errors[FIELDS.url.block]).toMatch(/C-1001 has no link L-99999/);
  });

  it('a non-editor is refused: the button answers privately without a modal, and a submission changes nothing', async () => {
    const before = await destination(sale);
    const { view, responses } = await pressEdit(sale, USERS.viewer);
    expect(view).toBeUndefined();
    expect(responses).toHaveLength(1);
    expect(responses[0]!.body.response_type).toBe('ephemeral');
    expect(responses[0]!.body.text).toMatch(/Editing a link needs the \*marketer\* role/);
    // The modal opened by a marketer, submitted by a viewer (or by someone whose role was taken away).
    const { view: opened } = await pressEdit(sale);
    for (const user of [USERS.viewer, USERS.stranger]) {
      const refused = await submit(opened!, 'https://evil.example.com/', user);
      expect(Object.keys(refused.json.errors)).toEqual([FIELDS.url.block]);
      expect(refused.json.errors[FIELDS.url.block]).toMatch(/Editing a link needs the \*marketer\* role/);
    }
    expect(await destination(sale)).toBe(before);
  });
});
