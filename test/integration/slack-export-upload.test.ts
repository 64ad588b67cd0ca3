import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, type Reply } from '../../src/commands/reply.js';
import { shareSavedFiles } from '../../src/slack/files/share-saved-files.js';
import { FakeSlackApi } from '../fakes/slack-api-server.js';

describe('Slack: an export is uploaded into the person’s DM (filesUploadV2, local Slack fake)', () => {
  const slack = new FakeSlackApi();
  let client: webApi.WebClient;
  const warnings: unknown[] = [];
  const logger = { warn: (m: string, c: unknown) => void warnings.push([m, c]), info: () => {}, error: () => {}, debug: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-export-upload-'));
  const file = path.join(dir, 'c1042-messages-20261201T223000000Z.csv');
  const exported = (): Reply => ({
    ...reply(`Exported 2 messages of C-1042 Spring to ${file}`),
    savedFiles: [{ path: file, name: path.basename(file), title: 'C-1042 messages', comment: 'Export of 2 messages of C-1042 Spring.' }],
  });

  beforeAll(async () => {
    await slack.start();
    client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    fs.writeFileSync(file, 'message_id,recipient\r\n1,a@example.com\r\n2,b@example.com\r\n');
  });
  afterAll(async () => {
    await slack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => slack.clear());

  it('posts the answer to the DM and uploads the file there, byte for byte, with its title and comment', async () => {
    await shareSavedFiles({ logger: logger as never }, client, 'UMARK', exported());
    expect(slack.last('chat.postMessage')!.body.channel).toBe('UMARK');
    expect(slack.uploads.at(-1)).toMatchObject({ filename: path.basename(file), title: 'C-1042 messages', channelId: 'DMARK', comment: 'Export of 2 messages of C-1042 Spring.' });
    expect(slack.uploads.at(-1)!.content.equals(fs.readFileSync(file))).toBe(true);
  });

  it('uploads nothing for a refusal or a reply without files', async () => {
    const before = slack.uploads.length;
    await shareSavedFiles({ logger: logger as never }, client, 'UMARK', { ...exported(), ok: false });
    await shareSavedFiles({ logger: logger as never }, client, 'UMARK', reply('no file'));
    expect(slack.uploads.length).toBe(before);
    expect(slack.callsOf('chat.postMessage')).toEqual([]);
  });

  it('tells the person where the file is kept when the upload fails', async () => {
    const gone: Reply = { ...exported(), savedFiles: [{ ...exported().savedFiles![0]!, path: path.join(dir, 'missing.csv') }] };
    await shareSavedFiles({ logger: logger as never }, client, 'UMARK', gone);
    const told = slack.callsOf('chat.postMessage').map((c) => String(c.body.text));
    expect(told.at(-1)).toContain('could not be uploaded to Slack');
    expect(told.at(-1)).toContain('missing.csv');
    expect(warnings.length).toBeGreaterThan(0);
  });
});
