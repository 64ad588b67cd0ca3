import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchSlackFile } from '../../src/slack/files/fetch-slack-file.js';
import { FILE_KINDS, type FileKind } from '../../src/slack/files/file-kinds.js';
import { readSlackTextFile } from '../../src/slack/files/read-slack-text-file.js';
import { shareFile } from '../../src/slack/files/share-file.js';
import { SlackFileRefused } from '../../src/slack/files/slack-file-refused.js';
import { spoolSlackFile } from '../../src/slack/files/spool-slack-file.js';
import { FakeSlackApi } from '../fakes/slack-api-server.js';

const CSV = FILE_KINDS.contactsCsv;
const SMALL: FileKind = { ...CSV, maxBytes: 64_000 };

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

async function refusal(promise: Promise<unknown>): Promise<SlackFileRefused> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SlackFileRefused) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('Slack files: download with the bot token, limits and content checks (local Slack fake)', () => {
  const slack = new FakeSlackApi();
  let client: webApi.WebClient;
  const downloads = () => slack.callsOf('file.download');

  beforeAll(async () => {
    await slack.start();
    client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(() => slack.stop());
  beforeEach(() => slack.clear());

  it('downloads a CSV from its url_private with the bot token and hands over exactly its bytes', async () => {
    const content = 'email,first_name\nzoë@example.com,Zoë\n';
    const file = slack.addFile({ name: 'contacts.csv', content });
    const download = await fetchSlackFile(client, file.id, CSV);
    expect(download.info).toEqual({ id: file.id, name: 'contacts.csv', filetype: 'csv', mimetype: 'text/csv', size: Buffer.byteLength(content) });
    expect((await drain(download.chunks)).toString('utf8')).toBe(content);
    expect(downloads().map((c) => c.body)).toEqual([{ id: file.id, authorized: true }]);
  });

  it('refuses a file Slack types as something else before reading a byte, naming what it is', async () => {
    const xlsx = slack.addFile({ name: 'contacts.xlsx', content: 'PK\u0003\u0004' });
    expect((await refusal(fetchSlackFile(client, xlsx.id, CSV))).message).toMatch(/contacts\.xlsx" is not a CSV file .*Slack sees it as xlsx \(application\/vnd\.openxmlformats/);
    const renamed = slack.addFile({ name: 'contacts.csv', content: 'a', mimetype: 'image/png' });
    expect((await refusal(fetchSlackFile(client, renamed.id, CSV))).reason).toBe('wrong_type');
    expect(downloads()).toEqual([]);
  });

  it('refuses a file whose declared size is over the limit before reading a byte, naming the limit', async () => {
    const file = slack.addFile({ name: 'huge.csv', content: 'email\n', size: 60_000_000 });
    const refused = await refusal(fetchSlackFile(client, file.id, CSV));
    expect(refused.reason).toBe('too_large');
    expect(refused.message).toContain('is 60 MB, over the 50 MB limit for a contacts file');
    expect(downloads()).toEqual([]);
  });

  it('stops reading a body that goes on past the limit whatever the size said (no Content-Length, endless bytes)', async () => {
    const file = slack.addFile({ name: 'endless.csv', size: 10, endless: true });
    const download = await fetchSlackFile(client, file.id, SMALL);
    const refused = await refusal(drain(download.chunks));
    expect(refused.reason).toBe('too_large');
    expect(refused.message).toContain('larger than the 64 KB limit');
    const served = slack.downloads.at(-1)!;
    // The connection is closed by Herald: the fake stops writing (socket buffers hold a few MB at most).
    await served.closed;
    expect(served.bytesSent).toBeLessThan(8 * 1024 * 1024);
  });

  it('refuses a Content-Length over the limit without reading the body', async () => {
    const file = slack.addFile({ name: 'lies.csv', content: 'x'.repeat(100_000), size: 10 });
    expect((await refusal(fetchSlackFile(client, file.id, SMALL))).message).toContain('is 100 KB, over the 64 KB limit');
  });

  it('refuses bytes that are not UTF-8 text, saying where and why', async () => {
    const png = slack.addFile({ name: 'contacts.csv', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]) });
    const binary = await refusal(fetchSlackFile(client, png.id, CSV).then((d) => drain(d.chunks)));
    expect(binary.reason).toBe('not_text');
    expect(binary.message).toMatch(/is not valid UTF-8 at line 1 \(byte 1\)/);
    const nul = slack.addFile({ name: 'nul.csv', content: 'email\nann@example.com\u0000\n' });
    expect((await refusal(fetchSlackFile(client, nul.id, CSV).then((d) => drain(d.chunks)))).message).toMatch(/holds a NUL byte at line 2 \(byte 22\).*binary file/);
    const latin1 = slack.addFile({ name: 'latin1.csv', content: Buffer.from('email,name\nann@example.com,Ann\nzoe@example.com,Zo\xeb\n', 'latin1') });
    const refused = await refusal(fetchSlackFile(client, latin1.id, CSV).then((d) => drain(d.chunks)));
    expect(refused.message).toMatch(/latin1\.csv" is not valid UTF-8 at line 3 .*Windows-1252.*"CSV UTF-8"/);
  });

  it('sends the bot token to Slack’s file host only: a url_private elsewhere is never requested', async () => {
    const seen: string[] = [];
    const elsewhere = http.createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      res.end('email\n');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      const port = (elsewhere.address() as AddressInfo).port;
      for (const urlPrivate of [`http://127.0.0.1:${port}/files-pri/x/a.csv`, `http://localhost:${slack.port}/files-pri/x/a.csv`, `https://evil.example/files-pri/a.csv`]) {
        const file = slack.addFile({ name: 'a.csv', content: 'email\n', urlPrivate });
        expect((await refusal(fetchSlackFile(client, file.id, CSV))).message).toMatch(/not on Slack's file host/);
      }
      expect(seen).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    }
  });

  it('does not follow Slack’s redirect to its sign-in page (a token without files:read), nor take a web page for a CSV', async () => {
    const file = slack.addFile({ name: 'contacts.csv', content: 'email\n' });
    const other = new webApi.WebClient('xoxb-other', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    expect((await refusal(fetchSlackFile(other, file.id, CSV))).message).toMatch(/redirected the download.*files:read/);
    expect(slack.callsOf('/signin')).toEqual([]);
    const page = slack.addFile({ name: 'contacts.csv', content: '<!doctype html><title>Sign in</title>', servedAs: 'text/html; charset=utf-8' });
    expect((await refusal(fetchSlackFile(client, page.id, CSV))).message).toMatch(/web page instead of/);
  });

  it('says a file is gone when Slack no longer knows it', async () => {
    expect((await refusal(fetchSlackFile(client, 'F0NOSUCH1', CSV))).reason).toBe('not_found');
    expect((await refusal(fetchSlackFile(client, '../../etc', CSV))).reason).toBe('not_found');
  });

  it('spools a checked file to a private temporary file that reads back the same any number of times, and removes it', async () => {
    const content = 'email\n' + 'someone@example.com\n'.repeat(5_000);
    const file = slack.addFile({ name: 'contacts.csv', content });
    const spooled = await spoolSlackFile(client, file.id, CSV);
    expect(spooled.bytes).toBe(Buffer.byteLength(content));
    expect((await drain(spooled.open())).toString()).toBe(content);
    expect((await drain(spooled.open())).toString()).toBe(content);
    await spooled.dispose();
  });

  it('leaves no temporary file behind when the last byte turns out bad', async () => {
    const before = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('herald-upload-')).length;
    const file = slack.addFile({ name: 'contacts.csv', content: Buffer.concat([Buffer.from('email\n'.repeat(20_000)), Buffer.from([0xff])]) });
    expect((await refusal(spoolSlackFile(client, file.id, CSV))).message).toMatch(/not valid UTF-8 at line 20001/);
    expect(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('herald-upload-')).length).toBe(before);
  });

  it('reads a template body as text without its byte-order mark', async () => {
    const file = slack.addFile({ name: 'welcome.html', content: '\uFEFF<p>Hi {{ first_name }}</p>' });
    expect((await readSlackTextFile(client, file.id, FILE_KINDS.templateHtml)).text).toBe('<p>Hi {{ first_name }}</p>');
  });

  it('uploads a file with filesUploadV2: URL, bytes, completion in the channel with a comment', async () => {
    await shareFile(client, { channelId: 'DUMARK', filename: 'rejected.csv', title: 'Rejected rows', content: 'a,b\r\n1,2\r\n', comment: 'Here they are' });
    expect(slack.callsOf('files.getUploadURLExternal')[0]?.body).toMatchObject({ filename: 'rejected.csv', length: '10' });
    expect(slack.uploads.at(-1)).toMatchObject({ filename: 'rejected.csv', title: 'Rejected rows', channelId: 'DUMARK', comment: 'Here they are' });
    expect(slack.uploads.at(-1)!.content.toString()).toBe('a,b\r\n1,2\r\n');
  });
});
