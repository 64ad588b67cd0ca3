import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { csvLine } from '../../../src/adapters/csv/csv-line.js';
import { FILE_ACTIONS, FILE_FIELDS, FILE_VIEWS } from '../../../src/slack/ids.js';
import type { SlackCall, SlackFileObject } from '../../fakes/slack-api-server.js';
import { buttonClick, createSlackHarness, select, text, USERS, viewSubmission, type SlackHarness } from './slack-harness.js';

const fixture = (name: string) => fs.readFileSync(new URL(`../../fixtures/contacts/${name}`, import.meta.url));
const files = (file: SlackFileObject) => ({ type: 'file_input', files: [file] });

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The text of every DM Herald posted to `user` (chat.postMessage to the user id). */
function dmsTo(h: SlackHarness, user: string): string[] {
  return h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === user).map((c) => `${c.body.text}\n${JSON.stringify(c.body.blocks ?? [])}`);
}

async function openedView(h: SlackHarness, run: () => Promise<unknown>): Promise<SlackCall> {
  const before = h.slack.callsOf('views.open').length;
  await run();
  const opened = h.slack.callsOf('views.open');
  expect(opened.length, 'a modal opened').toBe(before + 1);
  return opened.at(-1)!;
}

describe('contacts and template bodies uploaded as Slack files, through the real Bolt app', () => {
  let h: SlackHarness;

  const importSubmission = (file: SlackFileObject, list: Record<string, Record<string, unknown>>, user: string = USERS.marketer) =>
    viewSubmission({ callbackId: FILE_VIEWS.contactsImport, user, privateMetadata: '{"channelId":"CCHAN"}', values: { [FILE_FIELDS.importFile.block]: { [FILE_FIELDS.importFile.action]: files(file) }, ...list } });
  const newList = (name: string) => ({ [FILE_FIELDS.importNewList.block]: { [FILE_FIELDS.importNewList.action]: text(name) } });

  beforeAll(async () => {
    h = await createSlackHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.slack.clear());

  it('/campaign contacts import alone opens the upload modal, which states the limit', async () => {
    const opened = await openedView(h, () => h.command('contacts import'));
    const view = opened.body.view;
    expect(view.callback_id).toBe(FILE_VIEWS.contactsImport);
    const input = view.blocks.find((b: any) => b.block_id === FILE_FIELDS.importFile.block);
    expect(input.element).toMatchObject({ type: 'file_input', filetypes: ['csv'], max_files: 1 });
    expect(JSON.stringify(view.blocks)).toContain('at most 50 MB');
  });

  it('imports a CSV with good and bad rows: report with line numbers in the DM, rejected rows attached as a CSV that parses back', async () => {
    const file = h.slack.addFile({ name: 'mixed.csv', content: fixture('mixed.csv') });
    const res = await h.action(importSubmission(file, newList('Customers')));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_action: 'update', view: { title: { text: 'Importing contacts' } } });

    // Slack's file, fetched once with the bot token from its url_private.
    expect(h.slack.callsOf('files.info').map((c) => c.body.file)).toEqual([file.id]);
    expect(h.slack.callsOf('file.download').map((c) => c.body)).toEqual([{ id: file.id, authorized: true }]);

    // Reading goes on after the quote never closed on line 13: ivan on line 14 is kept.
    const list = await h.t.app.deps.contacts.findListByName('Customers');
    expect(list?.memberCount).toBe(4);
    expect(await h.t.app.deps.contacts.findContact('ivan@example.com')).toMatchObject({ lists: ['Customers'] });
    expect(await h.t.app.deps.contacts.findContact('grace@example.com')).toMatchObject({ phone: '+33612345678', lists: ['Customers'] });

    const [report] = dmsTo(h, USERS.marketer);
    expect(report).toContain('Imported \\"mixed.csv\\" into list \\"Customers\\" (new list): 4 new, 0 updated, 6 rejected, 1 warnings (11 rows).'.replace(/\\"/g, '"'));
    for (const line of ['line 3: invalid email', 'line 4: phone', 'line 5: expected 5 columns, got 4', 'line 6: expected 5 columns, got 6', 'line 10: no email or phone', 'line 13: a quote opened']) {
      expect(report).toContain(line);
    }
    expect(report).toContain('line 2: duplicate of line 12');

    // The rejected rows, uploaded with filesUploadV2 into the same DM.
    const upload = h.slack.uploads.at(-1)!;
    expect(upload).toMatchObject({ filename: 'mixed-rejected.csv', channelId: 'DMARK' });
    expect(upload.comment).toContain('6 rejected rows of mixed.csv');
    const rows = parse(upload.content, { relax_column_count: true }) as string[][];
    expect(rows[0]).toEqual(['rejected_line', 'rejected_reason', 'email', 'phone', 'First_Name', 'Country', 'Age']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['3', '4', '5', '6', '10', '13']);
    expect(rows[1]).toEqual(['3', 'invalid email "bob@"', 'bob@', '+14155550102', 'Bob', 'US', '29']);
  });

  it('the rejected-rows file, fixed, imports as it is into an existing list', async () => {
    const fixed = [
      csvLine(['rejected_line', 'rejected_reason', 'email', 'phone', 'First_Name', 'Country', 'Age']),
      csvLine(['3', 'invalid email "bob@"', 'bob@example.com', '+14155550102', 'Bob', 'US', '29']),
    ].join('');
    const file = h.slack.addFile({ name: 'mixed-rejected.csv', content: fixed });
    await h.action(importSubmission(file, { [FILE_FIELDS.importList.block]: { [FILE_FIELDS.importList.action]: select('Customers') } }));
    expect(dmsTo(h, USERS.marketer)[0]).toContain('into list "Customers": 1 new, 0 updated, 0 rejected (1 rows).');
    expect(h.slack.uploads.filter((u) => u.filename === 'mixed-rejected-rejected.csv')).toEqual([]);
    const bob = await h.t.app.deps.contacts.findContact('bob@example.com');
    expect(bob?.attributes).toEqual({ first_name: 'Bob', country: 'US', age: '29' });
    expect((await h.t.app.deps.contacts.findListByName('Customers'))?.memberCount).toBe(5);
  });

  it('refuses a file over the 50 MB limit, saying so, without downloading it or importing anything', async () => {
    const file = h.slack.addFile({ name: 'everyone.csv', content: 'email\nann@example.com\n', size: 63_400_000 });
    await h.action(importSubmission(file, newList('Everyone')));
    const [answer] = dmsTo(h, USERS.marketer);
    expect(answer).toContain('\\"everyone.csv\\" is 63.4 MB, over the 50 MB limit for a contacts file'.replace(/\\"/g, '"'));
    expect(answer).toContain('Nothing was imported');
    expect(h.slack.callsOf('file.download')).toEqual([]);
    expect(await h.t.app.deps.contacts.findListByName('Everyone')).toBeNull();
    expect(await h.t.app.deps.contacts.findContact('ann@example.com')).toBeNull();
  });

  it('refuses a spreadsheet, a binary file named .csv and a Latin-1 CSV, each with its reason, importing nothing', async () => {
    const cases: [SlackFileObject, RegExp][] = [
      [h.slack.addFile({ name: 'contacts.xlsx', content: Buffer.from('504b0304140000000800', 'hex') }), /"contacts\.xlsx" is not a CSV file \(\.csv, comma-separated, UTF-8\): Slack sees it as xlsx/],
      [h.slack.addFile({ name: 'photo.csv', content: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') }), /"photo\.csv" is not valid UTF-8 at line 1 \(byte 1\)/],
      [h.slack.addFile({ name: 'dump.csv', content: Buffer.concat([Buffer.from('email\nann@example.com\n'), Buffer.alloc(8)]) }), /"dump\.csv" holds a NUL byte at line 3 \(byte 23\)/],
      [h.slack.addFile({ name: 'latin1.csv', content: Buffer.from('email,name\nann@example.com,Ann\nzoe@example.com,Zo\xeb\n', 'latin1') }), /"latin1\.csv" is not valid UTF-8 at line 3 .*Windows-1252.*CSV UTF-8/],
    ];
    for (const [file, reason] of cases) {
      h.slack.clear();
      await h.action(importSubmission(file, newList('Refused')));
      const [answer] = dmsTo(h, USERS.marketer);
      expect(answer, file.name).toMatch(reason);
      expect(answer, file.name).toContain('Nothing was imported');
    }
    expect(await h.t.app.deps.contacts.findListByName('Refused')).toBeNull();
    expect(await h.t.app.deps.contacts.findContact('ann@example.com')).toBeNull();
    expect(await h.t.app.deps.contacts.findContact('zoe@example.com')).toBeNull();
  });

  it('checks the form before acknowledging: no file, no list, both lists', async () => {
    const file = h.slack.addFile({ name: 'a.csv', content: 'email\na@example.com\n' });
    const both = await h.action(importSubmission(file, { ...newList('X'), [FILE_FIELDS.importList.block]: { [FILE_FIELDS.importList.action]: select('Customers') } }));
    expect(both.json).toEqual({ response_action: 'errors', errors: { [FILE_FIELDS.importNewList.block]: 'Choose a list above or name a new one here, not both.' } });
    const none = await h.action(importSubmission(file, {}));
    expect(none.json.errors[FILE_FIELDS.importNewList.block]).toMatch(/Choose the list/);
    const noFile = await h.action(viewSubmission({ callbackId: FILE_VIEWS.contactsImport, user: USERS.marketer, privateMetadata: '{}', values: { [FILE_FIELDS.importFile.block]: { [FILE_FIELDS.importFile.action]: { type: 'file_input', files: [] } }, ...newList('X') } }));
    expect(noFile.json.errors[FILE_FIELDS.importFile.block]).toBe('Upload a CSV file.');
    expect(h.slack.callsOf('files.info')).toEqual([]);
  });

  it('refuses a viewer: the modal does not open, and a submission made anyway reads no file and imports nothing', async () => {
    const cmd = await h.command('contacts import', USERS.viewer);
    expect(h.slack.callsOf('views.open')).toEqual([]);
    expect(h.slack.responsesTo(cmd.responseUrl)[0]?.body.text).toMatch(/Importing contacts needs the \*marketer\* role; you have the viewer role/);
    const file = h.slack.addFile({ name: 'sneaky.csv', content: 'email\nsneaky@example.com\n' });
    const res = await h.action(importSubmission(file, newList('Sneaky'), USERS.viewer));
    expect(res.json.response_action).toBe('errors');
    expect(res.json.errors[FILE_FIELDS.importFile.block]).toMatch(/marketer/);
    expect(h.slack.callsOf('files.info')).toEqual([]);
    expect(await h.t.app.deps.contacts.findContact('sneaky@example.com')).toBeNull();
  });

  it('a Slack retry of the same submission imports once', async () => {
    const file = h.slack.addFile({ name: 'once.csv', content: 'email\nonce@example.com\n' });
    const submission = importSubmission(file, newList('Once'));
    await h.action(submission);
    await h.action(submission);
    expect(h.slack.callsOf('file.download')).toHaveLength(1);
    expect(dmsTo(h, USERS.marketer)).toHaveLength(1);
  });

  it('the Home tab offers both upload modals to a marketer', async () => {
    const contacts = await openedView(h, () => h.action({ ...buttonClick({ actionId: FILE_ACTIONS.importContacts, value: 'import', user: USERS.marketer, responseUrl: h.slack.responseUrl() }), container: { type: 'view', view_id: 'VHOME' } }));
    expect(contacts.body.view.callback_id).toBe(FILE_VIEWS.contactsImport);
    const templates = await openedView(h, () => h.action({ ...buttonClick({ actionId: FILE_ACTIONS.uploadTemplate, value: 'upload', user: USERS.marketer, responseUrl: h.slack.responseUrl() }), container: { type: 'view', view_id: 'VHOME' } }));
    expect(templates.body.view.callback_id).toBe(FILE_VIEWS.templateUpload);
  });

  describe('template bodies', () => {
    const uploadSubmission = (values: Record<string, Record<string, unknown>>, user: string = USERS.marketer) =>
      viewSubmission({ callbackId: FILE_VIEWS.templateUpload, user, privateMetadata: '{}', values });
    const field = (name: keyof typeof FILE_FIELDS, value: unknown) => ({ [FILE_FIELDS[name].block]: { [FILE_FIELDS[name].action]: value } });

    beforeAll(async () => {
      await h.t.run('templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com');
      await h.t.run('templates create Ping --channel sms --text "Hi {{ first_name }}"');
    });

    it('saves an HTML body from a file as a new version of an existing template', async () => {
      const welcome = (await h.t.app.deps.templates.findByName('Welcome'))!;
      const opened = await openedView(h, () => h.command('templates upload Welcome'));
      const picker = opened.body.view.blocks.find((b: any) => b.block_id === FILE_FIELDS.uploadTemplate.block);
      expect(picker.element.initial_option.value).toBe(String(welcome.id));
      expect(JSON.stringify(opened.body.view.blocks)).toMatch(/at most 500 KB.*at most 200 KB/);

      const html = '<!doctype html><html><body><h1>Hello {{ first_name | default: "there" }}</h1><p>Winter sale — 20 % off</p></body></html>\n';
      const file = h.slack.addFile({ name: 'welcome.html', content: html });
      const res = await h.action(uploadSubmission({ ...field('uploadTemplate', select(String(welcome.id))), ...field('uploadHtml', files(file)) }));
      expect(res.json.response_action).toBe('update');
      const saved = (await h.t.app.deps.templates.findByName('Welcome'))!;
      expect(saved.currentVersion).toBe(2);
      expect(saved.content).toMatchObject({ html, text: 'Hello', subject: 'Hi {{ first_name }}' });
      expect(dmsTo(h, USERS.marketer)[0]).toMatch(/Saved template "Welcome" from "welcome\.html" \(\d+ bytes\): version 2\./);
    });

    it('creates a new email template from an HTML and a text file', async () => {
      const htmlFile = h.slack.addFile({ name: 'promo.html', content: '<p>Hi {{ first_name }}</p>' });
      const textFile = h.slack.addFile({ name: 'promo.txt', content: 'Hi {{ first_name }}\n' });
      await h.action(uploadSubmission({ ...field('uploadTemplate', select('new')), ...field('uploadName', text('Promo')), ...field('uploadSubject', text('Our promo')), ...field('uploadHtml', files(htmlFile)), ...field('uploadText', files(textFile)) }));
      expect((await h.t.app.deps.templates.findByName('Promo'))?.content).toEqual({ subject: 'Our promo', html: '<p>Hi {{ first_name }}</p>', text: 'Hi {{ first_name }}\n' });
      expect(dmsTo(h, USERS.marketer)[0]).toMatch(/Created email template "Promo" \(version 1\) from "promo\.html" .* and "promo\.txt"/);
    });

    it('refuses a body that is not text, or too large, and leaves the template as it was', async () => {
      const before = (await h.t.app.deps.templates.findByName('Welcome'))!;
      const binary = h.slack.addFile({ name: 'logo.html', content: Buffer.from('89504e470d0a1a0a00', 'hex') });
      await h.action(uploadSubmission({ ...field('uploadTemplate', select(String(before.id))), ...field('uploadHtml', files(binary)) }));
      const big = h.slack.addFile({ name: 'big.html', content: '<p>x</p>', size: 750_000 });
      await h.action(uploadSubmission({ ...field('uploadTemplate', select(String(before.id))), ...field('uploadHtml', files(big)) }));
      const [first, second] = dmsTo(h, USERS.marketer);
      expect(first).toMatch(/Template "Welcome" not saved: "logo\.html" is not valid UTF-8 .*The template was not changed/);
      expect(second).toMatch(/"big\.html" is 750 KB, over the 500 KB limit for an HTML body/);
      expect((await h.t.app.deps.templates.findByName('Welcome'))?.currentVersion).toBe(before.currentVersion);
    });

    it('reports a merge-field error in the uploaded body in the DM, saving nothing', async () => {
      const before = (await h.t.app.deps.templates.findByName('Welcome'))!;
      const broken = h.slack.addFile({ name: 'broken.html', content: '<p>Hi {{ first_name </p>' });
      await h.action(uploadSubmission({ ...field('uploadTemplate', select(String(before.id))), ...field('uploadHtml', files(broken)) }));
      expect(dmsTo(h, USERS.marketer)[0]).toMatch(/Template "Welcome" not saved\. Invalid input: .*merge-field error/);
      expect((await h.t.app.deps.templates.findByName('Welcome'))?.currentVersion).toBe(before.currentVersion);
    });

    it('checks the form before acknowledging: an HTML body for an SMS template, no file, a taken name', async () => {
      const ping = (await h.t.app.deps.templates.findByName('Ping'))!;
      const html = h.slack.addFile({ name: 'ping.html', content: '<p>x</p>' });
      const sms = await h.action(uploadSubmission({ ...field('uploadTemplate', select(String(ping.id))), ...field('uploadHtml', files(html)) }));
      expect(sms.json.errors[FILE_FIELDS.uploadHtml.block]).toMatch(/template for sms: it takes a plain-text body only/);
      const none = await h.action(uploadSubmission({ ...field('uploadTemplate', select(String(ping.id))) }));
      expect(none.json.errors[FILE_FIELDS.uploadHtml.block]).toMatch(/Upload an HTML body, a plain-text body or both/);
      const taken = await h.action(uploadSubmission({ ...field('uploadTemplate', select('new')), ...field('uploadName', text('Welcome')), ...field('uploadHtml', files(html)) }));
      expect(taken.json.errors[FILE_FIELDS.uploadName.block]).toMatch(/already exists/);
      expect(h.slack.callsOf('files.info')).toEqual([]);
    });

    it('refuses a viewer', async () => {
      const cmd = await h.command('templates upload', USERS.viewer);
      expect(h.slack.callsOf('views.open')).toEqual([]);
      expect(h.slack.responsesTo(cmd.responseUrl)[0]?.body.text).toMatch(/marketer/);
    });
  });
});

describe('a file upload is acknowledged before the download (Bolt processBeforeResponse: false)', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await createSlackHarness('embedded', { processBeforeResponse: false });
  });
  afterAll(() => h.close());

  it('answers the modal while Slack still holds the file, then imports and reports', async () => {
    const held = deferred();
    const file = h.slack.addFile({ name: 'slow.csv', content: 'email\nslow@example.com\n', hold: held.promise });
    const res = await h.action(
      viewSubmission({
        callbackId: FILE_VIEWS.contactsImport,
        user: USERS.marketer,
        viewId: 'VSLOW',
        privateMetadata: '{}',
        values: { [FILE_FIELDS.importFile.block]: { [FILE_FIELDS.importFile.action]: files(file) }, [FILE_FIELDS.importNewList.block]: { [FILE_FIELDS.importNewList.action]: text('Slow') } },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json.response_action).toBe('update');
    await h.slack.waitFor((c) => c.method === 'file.download');
    expect(await h.t.app.deps.contacts.findContact('slow@example.com')).toBeNull();
    held.resolve();
    const report = await h.slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(report.body.text).toContain('1 new, 0 updated, 0 rejected');
    expect(await h.t.app.deps.contacts.findContact('slow@example.com')).toMatchObject({ lists: ['Slow'] });
    // The listener's last step (remembering the submission) ends after the report: wait for it, not for time.
    while (!(await h.t.app.stores.idempotency.recall('view:VSLOW:contacts-import'))) await new Promise((r) => setImmediate(r));
  });
});
