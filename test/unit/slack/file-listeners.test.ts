import { describe, expect, it } from 'vitest';
import { memoryIdempotency } from '../../fakes/memory-idempotency.js';
import type { Template } from '../../../src/domain/templates/template.js';
import { channelSpecs, EMAIL_CHANNEL, SMS_CHANNEL } from '../../../src/domain/channels/channel-spec.js';
import { openFileModalFor } from '../../../src/slack/files/open-file-modals.js';
import { FILE_FIELDS, FILE_VIEWS } from '../../../src/slack/ids.js';
import { homeImportContactsClicked } from '../../../src/slack/listeners/actions/home-import-contacts-clicked.js';
import { contactsImportSubmitted } from '../../../src/slack/listeners/views/contacts-import-submitted.js';
import { templateUploadSubmitted } from '../../../src/slack/listeners/views/template-upload-submitted.js';
import type { RoleOrNone } from '../../../src/slack/roles.js';
import type { SlackContext } from '../../../src/slack/slack-context.js';

/** What a listener did, in order: acks, Web API calls. */
type Event = { kind: 'ack'; response?: any } | { kind: 'call'; method: string; args: any };

/** A fake Web API client in the style of Slack's bolt-ts starter: records calls, answers like Slack. */
function fakeClient(events: Event[], answers: Record<string, (args: any) => any> = {}) {
  const call = (method: string) => async (args: any) => {
    events.push({ kind: 'call', method, args });
    const answer = answers[method];
    if (answer) return answer(args);
    return { ok: true, channel: typeof args?.channel === 'string' ? args.channel.replace(/^U/, 'D') : undefined, ts: '1.1' };
  };
  return {
    token: 'xoxb-unit',
    slackApiUrl: 'https://slack.com/api/',
    views: { open: call('views.open'), update: call('views.update') },
    chat: { postMessage: call('chat.postMessage'), postEphemeral: call('chat.postEphemeral'), update: call('chat.update') },
    files: { info: call('files.info') },
    filesUploadV2: call('filesUploadV2'),
  };
}

function fakeAck(events: Event[]) {
  return async (response?: unknown) => {
    events.push({ kind: 'ack', response });
  };
}

function template(id: number, name: string, channel: 'email' | 'sms'): Template {
  return { id, name, channel, currentVersion: 1, content: { subject: null, html: null, text: 'x' }, sending: { fromName: null, fromEmail: null, replyTo: null, smsSender: null }, createdBy: 'U1', createdAt: new Date(0), updatedAt: new Date(0), deletedAt: null } as Template;
}

function fakeContext(role: RoleOrNone, templates: Template[] = []): SlackContext {
  return {
    execute: async () => {
      throw new Error('the command layer is not reached in these tests');
    },
    deps: {
      clock: { now: () => new Date('2026-11-22T10:00:00Z') },
      config: { channels: channelSpecs([EMAIL_CHANNEL, SMS_CHANNEL]) },
      contacts: { listLists: async () => [{ name: 'Newsletter' }] },
      templates: {
        list: async () => templates,
        get: async (id: number) => templates.find((t) => t.id === id) ?? null,
        findByName: async (name: string) => templates.find((t) => t.name.toLowerCase() === name.toLowerCase()) ?? null,
      },
    } as unknown as SlackContext['deps'],
    roleOf: async () => role,
    idempotency: memoryIdempotency(),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  };
}

function submission(callbackId: string, values: Record<string, Record<string, unknown>>, user = 'UMARK') {
  return { body: { type: 'view_submission', user: { id: user } }, view: { id: 'V1', callback_id: callbackId, private_metadata: '{}', state: { values } } };
}

const fileValue = (id: string) => ({ type: 'file_input', files: [{ id, name: 'x' }] });

describe('contactsImportSubmitted', () => {
  it('refuses a viewer through ack and touches neither Slack nor the file', async () => {
    const events: Event[] = [];
    const listener = contactsImportSubmitted(fakeContext('viewer'));
    const args = submission(FILE_VIEWS.contactsImport, { [FILE_FIELDS.importFile.block]: { [FILE_FIELDS.importFile.action]: fileValue('F123') }, [FILE_FIELDS.importNewList.block]: { [FILE_FIELDS.importNewList.action]: { type: 'plain_text_input', value: 'X' } } }, 'UVIEW');
    await listener({ ...args, ack: fakeAck(events), client: fakeClient(events) } as any);
    expect(events).toEqual([{ kind: 'ack', response: { response_action: 'errors', errors: { [FILE_FIELDS.importFile.block]: expect.stringContaining('needs the *marketer* role; you have the viewer role') } } }]);
  });

  it('acknowledges before asking Slack for the file, then tells the person in the DM what became of it', async () => {
    const events: Event[] = [];
    const client = fakeClient(events, {
      'files.info': async () => {
        throw Object.assign(new Error('An API error occurred: file_not_found'), { data: { ok: false, error: 'file_not_found' } });
      },
    });
    const args = submission(FILE_VIEWS.contactsImport, { [FILE_FIELDS.importFile.block]: { [FILE_FIELDS.importFile.action]: fileValue('F123') }, [FILE_FIELDS.importList.block]: { [FILE_FIELDS.importList.action]: { type: 'static_select', selected_option: { value: 'Newsletter' } } } });
    await contactsImportSubmitted(fakeContext('marketer'))({ ...args, ack: fakeAck(events), client } as any);
    expect(events.map((e) => (e.kind === 'ack' ? `ack:${e.response?.response_action}` : e.method))).toEqual(['ack:update', 'files.info', 'chat.postMessage']);
    const dm = events[2] as Extract<Event, { kind: 'call' }>;
    expect(dm.args).toMatchObject({ channel: 'UMARK', text: expect.stringMatching(/^Not imported: The uploaded file is gone from Slack/) });
  });

  it('answers a second delivery of the same submission with a bare ack', async () => {
    const ctx = fakeContext('marketer');
    const args = submission(FILE_VIEWS.contactsImport, { [FILE_FIELDS.importFile.block]: { [FILE_FIELDS.importFile.action]: fileValue('F123') }, [FILE_FIELDS.importNewList.block]: { [FILE_FIELDS.importNewList.action]: { type: 'plain_text_input', value: 'X' } } });
    await ctx.idempotency.claim('view:V1:contacts-import', new Date());
    const events: Event[] = [];
    await contactsImportSubmitted(ctx)({ ...args, ack: fakeAck(events), client: fakeClient(events) } as any);
    expect(events).toEqual([{ kind: 'ack', response: undefined }]);
  });
});

describe('templateUploadSubmitted', () => {
  it('puts the field errors under the fields, checked against the stored template, before any download', async () => {
    const events: Event[] = [];
    const ctx = fakeContext('marketer', [template(7, 'Ping', 'sms')]);
    const args = submission(FILE_VIEWS.templateUpload, {
      [FILE_FIELDS.uploadTemplate.block]: { [FILE_FIELDS.uploadTemplate.action]: { type: 'static_select', selected_option: { value: '7' } } },
      [FILE_FIELDS.uploadSubject.block]: { [FILE_FIELDS.uploadSubject.action]: { type: 'plain_text_input', value: 'Hello' } },
      [FILE_FIELDS.uploadHtml.block]: { [FILE_FIELDS.uploadHtml.action]: fileValue('F9') },
    });
    await templateUploadSubmitted(ctx)({ ...args, ack: fakeAck(events), client: fakeClient(events) } as any);
    expect(events).toEqual([
      {
        kind: 'ack',
        response: {
          response_action: 'errors',
          errors: {
            [FILE_FIELDS.uploadHtml.block]: '"Ping" is a template for sms: it takes a plain-text body only.',
            [FILE_FIELDS.uploadSubject.block]: '"Ping" is a template for sms: it has no subject.',
          },
        },
      },
    ]);
  });

  it('refuses a template deleted since the modal opened', async () => {
    const events: Event[] = [];
    const gone = { ...template(8, 'Old', 'email'), deletedAt: new Date(0) };
    const args = submission(FILE_VIEWS.templateUpload, { [FILE_FIELDS.uploadTemplate.block]: { [FILE_FIELDS.uploadTemplate.action]: { type: 'static_select', selected_option: { value: '8' } } }, [FILE_FIELDS.uploadHtml.block]: { [FILE_FIELDS.uploadHtml.action]: fileValue('F9') } });
    await templateUploadSubmitted(fakeContext('marketer', [gone]))({ ...args, ack: fakeAck(events), client: fakeClient(events) } as any);
    expect(events).toEqual([{ kind: 'ack', response: { response_action: 'errors', errors: { [FILE_FIELDS.uploadTemplate.block]: 'That template no longer exists.' } } }]);
  });
});

describe('opening the upload modals', () => {
  const req = { triggerId: 'T1', userId: 'UMARK', origin: { channelId: 'CCHAN' } };

  it('opens the import modal for `contacts import` alone and leaves a path to the command layer', async () => {
    const events: Event[] = [];
    const client = fakeClient(events) as any;
    expect(await openFileModalFor(fakeContext('marketer'), client, '  contacts import ', req)).toBe('opened');
    const opened = events[0] as Extract<Event, { kind: 'call' }>;
    expect(opened.args.view.callback_id).toBe(FILE_VIEWS.contactsImport);
    expect(opened.args.view.blocks.find((b: any) => b.block_id === FILE_FIELDS.importList.block).element.options.map((o: any) => o.value)).toEqual(['Newsletter']);
    expect(await openFileModalFor(fakeContext('marketer'), client, 'contacts import ./x.csv --list A', req)).toBeNull();
    expect(await openFileModalFor(fakeContext('marketer'), client, 'templates list', req)).toBeNull();
  });

  it('preselects a quoted template name, and says when there is no such template', async () => {
    const events: Event[] = [];
    const ctx = fakeContext('marketer', [template(3, 'Winter sale', 'email')]);
    expect(await openFileModalFor(ctx, fakeClient(events) as any, 'templates upload "winter sale"', req)).toBe('opened');
    const view = (events[0] as Extract<Event, { kind: 'call' }>).args.view;
    expect(view.blocks.find((b: any) => b.block_id === FILE_FIELDS.uploadTemplate.block).element.initial_option.value).toBe('3');
    const missing = await openFileModalFor(ctx, fakeClient(events) as any, 'templates upload Nope', req);
    expect(missing).toMatchObject({ reply: { ok: false, text: expect.stringContaining('no template named "Nope"') } });
  });

  it('refuses a viewer without opening anything', async () => {
    const events: Event[] = [];
    expect(await openFileModalFor(fakeContext('viewer'), fakeClient(events) as any, 'contacts import', req)).toMatchObject({ skipped: 'forbidden' });
    expect(events).toEqual([]);
  });

  it('the Home button acks first, then opens the modal once for a double click', async () => {
    const ctx = fakeContext('marketer');
    const events: Event[] = [];
    const body = { type: 'block_actions', user: { id: 'UMARK' }, trigger_id: 'T9', container: { type: 'view', view_id: 'VH' }, actions: [{ action_id: 'home_import_contacts', block_id: 'home_top', value: 'import', action_ts: '1800000000.1' }] };
    const listener = homeImportContactsClicked(ctx);
    await listener({ body, ack: fakeAck(events), client: fakeClient(events) } as any);
    await listener({ body, ack: fakeAck(events), client: fakeClient(events) } as any);
    expect(events.map((e) => (e.kind === 'ack' ? 'ack' : e.method))).toEqual(['ack', 'views.open', 'ack']);
  });
});
