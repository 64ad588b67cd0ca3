import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerError, SMTPServerSession } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeEncodedWords, listCapturedMail, listCapturedSms } from '../../src/adapters/channels/capture/captured-outbox.js';
import { startCaptureSmtpServer } from '../../src/adapters/channels/capture/capture-smtp-server.js';
import { SmsOutboxProvider } from '../../src/adapters/channels/capture/sms-outbox-provider.js';
import { SmtpEmailProvider } from '../../src/adapters/channels/smtp-email-provider.js';
import { countSmsSegments } from '../../src/adapters/channels/sms-segments.js';
import type { OutboundMessage } from '../../src/domain/ports/channel-provider.js';
import { FixedClock } from '../fakes/fixed-clock.js';

interface SinkMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

interface Sink {
  url: string;
  messages: SinkMessage[];
  /** Every RCPT TO the server accepted, message or not. */
  recipients: string[];
  /** Bytes of message body received so far, per DATA command opened (first recipient). */
  bodies: Map<string, number>;
  /** Connections the sink has accepted, to prove the pool reuses them. */
  connections: () => number;
  close(): Promise<void>;
}

function smtpError(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * A real SMTP server on loopback that keeps what it receives. The recipient's local part picks a
 * fault: rcpt-421, rcpt-450, rcpt-550 and data-554 answer with that reply, drop cuts the socket.
 */
async function startSink(): Promise<Sink> {
  const messages: SinkMessage[] = [];
  const recipients: string[] = [];
  const bodies = new Map<string, number>();
  let accepted = 0;
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onConnect(_session, callback) {
      accepted += 1;
      callback();
    },
    onRcptTo(address, session: SMTPServerSession, callback) {
      const local = address.address.split('@')[0];
      if (local === 'rcpt-421') return callback(smtpError(421, '4.3.2 Service shutting down, closing channel'));
      if (local === 'rcpt-450') return callback(smtpError(450, '4.2.0 Mailbox busy, try again later'));
      if (local === 'rcpt-550') return callback(smtpError(550, '5.1.1 No such user here'));
      if (local === 'drop') {
        for (const connection of server.connections) {
          if (connection.session.id === session.id) connection._socket.destroy();
        }
        return undefined;
      }
      recipients.push(address.address);
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      const first = session.envelope.rcptTo[0]?.address ?? '';
      bodies.set(first, 0);
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        bodies.set(first, (bodies.get(first) ?? 0) + chunk.length);
      });
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (to.some((address) => address.startsWith('data-554@'))) {
          return callback(smtpError(554, '5.7.1 Message rejected as spam'));
        }
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to, raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    recipients,
    bodies,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of server.connections) connection.close();
      }),
  };
}

function email(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    messageId: '1001',
    campaignId: 7,
    runId: 3,
    channel: 'email',
    to: 'ana@example.com',
    from: { name: 'Acme News', address: 'news@acme.test' },
    replyTo: 'support@acme.test',
    subject: 'Spring sale',
    html: '<p>Hello <b>Ana</b></p>',
    text: 'Hello Ana',
    unsubscribeUrl: 'https://herald.acme.test/u/tok',
    listId: { id: 'c-7.herald.acme.test', name: 'Spring sale' },
    ...overrides,
  };
}

/** A header exactly as written on the wire, unfolded: mailparser turns List-* headers into objects. */
function rawHeader(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.replace(/\r?\n[ \t]+/g, ' ').slice(name.length + 1).trim();
}

async function parse(message: SinkMessage | undefined): Promise<ParsedMail> {
  expect(message).toBeDefined();
  return simpleParser(message!.raw);
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-email-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SmtpEmailProvider over a real SMTP round trip', () => {
  let sink: Sink;
  let provider: SmtpEmailProvider;

  beforeAll(async () => {
    sink = await startSink();
  });
  afterEach(async () => {
    await provider?.close();
    sink.messages.length = 0;
  });
  afterAll(async () => {
    await sink.close();
  });

  it('sends through a pool, with sender, reply-to, both parts, one-click unsubscribe and the ledger id', async () => {
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 5, dkim: null });
    expect(provider.channel).toBe('email');
    expect(provider.name).toBe('smtp');
    expect(provider.segments()).toBe(1);

    const longUrl = `https://herald.acme.test/u/${'t0K3n'.repeat(60)}?c=7&r=3`;
    const sends = Array.from({ length: 12 }, (_, i) =>
      provider.send(
        email({
          messageId: String(2000 + i),
          to: `reader${i}@example.com`,
          subject: `Spring sale for Zoë — №${i}`,
          unsubscribeUrl: i === 0 ? longUrl : `https://herald.acme.test/u/tok-${i}`,
          headers: { 'X-Campaign': 'spring' },
        }),
      ),
    );
    const results = await Promise.all(sends);
    for (const result of results) expect(result).toMatchObject({ outcome: 'sent', final: true });
    expect(sink.messages).toHaveLength(12);
    // Pooled: far fewer connections than messages (each new connection costs smtp-server's 100 ms greeting).
    expect(sink.connections()).toBeLessThanOrEqual(5);

    for (let i = 0; i < 12; i += 1) {
      const sent = sink.messages.find((m) => m.to[0] === `reader${i}@example.com`);
      const parsed = await parse(sent);
      expect(sent!.from).toBe('news@acme.test');
      expect(parsed.from?.value).toEqual([{ name: 'Acme News', address: 'news@acme.test' }]);
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).toEqual([{ name: '', address: `reader${i}@example.com` }]);
      expect(parsed.replyTo?.value[0]?.address).toBe('support@acme.test');
      expect(parsed.subject).toBe(`Spring sale for Zoë — №${i}`);
      expect(parsed.text?.trim()).toBe('Hello Ana');
      expect(parsed.html).toContain('<p>Hello <b>Ana</b></p>');
      const url = i === 0 ? longUrl : `https://herald.acme.test/u/tok-${i}`;
      expect(rawHeader(parsed, 'List-Unsubscribe')).toBe(`<${url}>`);
      expect(rawHeader(parsed, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(rawHeader(parsed, 'List-Id')).toBe('"Spring sale" <c-7.herald.acme.test>');
      expect(parsed.headers.get('x-herald-message-id')).toBe(String(2000 + i));
      expect(parsed.headers.get('x-campaign')).toBe('spring');
      const result = results[i]!;
      expect(result.outcome === 'sent' && result.providerMessageId).toBe(parsed.messageId);
    }
  });

  it('leaves out what a message does not have: no html part, no unsubscribe headers, no reply-to', async () => {
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 1, dkim: null });
    const result = await provider.send(email({ html: null, unsubscribeUrl: null, listId: null, replyTo: null, from: { name: null, address: 'news@acme.test' } }));
    expect(result.outcome).toBe('sent');
    const parsed = await parse(sink.messages[0]);
    expect(parsed.html).toBe(false);
    expect(parsed.text?.trim()).toBe('Hello Ana');
    expect(rawHeader(parsed, 'List-Unsubscribe')).toBeUndefined();
    expect(rawHeader(parsed, 'List-Unsubscribe-Post')).toBeUndefined();
    expect(rawHeader(parsed, 'List-Id')).toBeUndefined();
    expect(parsed.replyTo).toBeUndefined();
    expect(parsed.from?.value).toEqual([{ name: '', address: 'news@acme.test' }]);
  });

  it('gives HTML-only mail a text part made from the HTML, with its links', async () => {
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 1, dkim: null });
    const html = '<h1>Winter sale</h1><p>Hello <b>Ana</b>, see <a href="https://shop.example.com/w">the collection</a>.</p><img src="x.png" alt="">';
    expect((await provider.send(email({ html, text: '' }))).outcome).toBe('sent');
    const parsed = await parse(sink.messages[0]);
    expect(parsed.html).toContain('<b>Ana</b>');
    expect(parsed.text).toMatch(/WINTER SALE/);
    expect(parsed.text).toContain('Hello Ana, see the collection [https://shop.example.com/w].');
    expect(parsed.text).not.toContain('<');
  });

  it('goes ahead with the envelope while the hand-over is recorded, and sends the body only once it is', async () => {
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 1, dkim: null });
    expect(provider.holdsUntilHandedOver).toBe(true);
    let record!: (handed: boolean) => void;
    const handedOver = new Promise<boolean>((resolve) => (record = resolve));
    const sending = provider.send(email({ to: 'gated@example.com' }), handedOver);
    // The envelope went ahead and DATA is open, but not a byte of the message while the record is written.
    await expect.poll(() => sink.bodies.has('gated@example.com')).toBe(true);
    expect(sink.recipients).toContain('gated@example.com');
    expect(sink.bodies.get('gated@example.com')).toBe(0);
    expect(sink.messages).toHaveLength(0);
    record(true);
    expect(await sending).toMatchObject({ outcome: 'sent' });
    expect(sink.messages.map((m) => m.to)).toEqual([['gated@example.com']]);
  });

  it('abandons the message, unsent, when the hand-over is refused, and the pool goes on sending', async () => {
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 1, dkim: null });
    const refused = await provider.send(email({ to: 'refused@example.com' }), Promise.resolve(false));
    expect(refused.outcome).not.toBe('sent');
    const failed = await provider.send(email({ to: 'db-down@example.com' }), Promise.reject(new Error('connection lost')));
    expect(failed.outcome).not.toBe('sent');
    expect(await provider.send(email({ to: 'after@example.com' }), Promise.resolve(true))).toMatchObject({ outcome: 'sent' });
    expect(sink.messages.map((m) => m.to)).toEqual([['after@example.com']]);
  });

  it('writes the List-Id name quoted, or encoded when it is not plain ASCII, and the id bare', async () => {
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 1, dkim: null });
    await provider.send(email({ to: 'quoted@example.com', listId: { id: 'c-8.herald.acme.test', name: 'The "VIP" \\ sale' } }));
    await provider.send(email({ to: 'encoded@example.com', listId: { id: 'c-9.herald.acme.test', name: 'Soldes d’hiver — Zoë' } }));
    await provider.send(email({ to: 'bare@example.com', listId: { id: 'c-10.herald.acme.test', name: null } }));
    const header = async (to: string) => rawHeader(await parse(sink.messages.find((m) => m.to[0] === to)), 'List-Id');
    expect(await header('quoted@example.com')).toBe('"The \\"VIP\\" \\\\ sale" <c-8.herald.acme.test>');
    const encoded = (await header('encoded@example.com'))!;
    expect(encoded).toMatch(/^=\?UTF-8\?[QB]\?.+\?= <c-9\.herald\.acme\.test>$/);
    expect(decodeEncodedWords(encoded.replace(/ <.*$/, ''))).toBe('Soldes d’hiver — Zoë');
    expect(await header('bare@example.com')).toBe('<c-10.herald.acme.test>');
  });

  it('signs with DKIM, covering both unsubscribe headers as RFC 8058 requires, and the List-Id', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    provider = new SmtpEmailProvider({
      url: sink.url,
      poolSize: 2,
      dkim: { domainName: 'acme.test', keySelector: 'herald', privateKey },
    });
    expect(await provider.send(email())).toMatchObject({ outcome: 'sent' });
    const parsed = await parse(sink.messages[0]);
    const signature = rawHeader(parsed, 'DKIM-Signature');
    expect(signature).toBeDefined();
    const tags = Object.fromEntries(
      signature!.replace(/\s+/g, '').split(';').filter(Boolean).map((tag) => [tag.slice(0, tag.indexOf('=')), tag.slice(tag.indexOf('=') + 1)]),
    );
    expect(tags.d).toBe('acme.test');
    expect(tags.s).toBe('herald');
    expect(tags.a).toBe('rsa-sha256');
    const signed = (tags.h ?? '').toLowerCase().split(':');
    expect(signed).toEqual(expect.arrayContaining(['from', 'subject', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post']));
  });

  it('refuses a DKIM key that does not load, since nodemailer would send the mail unsigned', () => {
    expect(() => new SmtpEmailProvider({ url: sink.url, poolSize: 1, dkim: { domainName: 'acme.test', keySelector: 'herald', privateKey: 'not-a-key' } }))
      .toThrow(/DKIM_PRIVATE_KEY/);
  });

  it('maps server replies to results, and the pool keeps working after each fault', async () => {
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 5, dkim: null });
    const faults = [
      ['rcpt-421@example.com', 'retryable', 'connection', /^421 /],
      ['rcpt-450@example.com', 'retryable', 'temporary', /^450 4\.2\.0/],
      ['rcpt-550@example.com', 'permanent', 'invalid_recipient', /^550 5\.1\.1 No such user/],
      ['data-554@example.com', 'permanent', 'blocked', /^554 5\.7\.1 Message rejected as spam/],
      ['drop@example.com', 'retryable', 'connection', /closed unexpectedly/i],
    ] as const;
    for (const [to, outcome, category, reason] of faults) {
      const result = await provider.send(email({ to }));
      expect(result, to).toMatchObject({ outcome, category });
      expect(result.outcome !== 'sent' && result.reason, to).toMatch(reason);
    }
    expect(sink.messages).toHaveLength(0);

    const after = await Promise.all([1, 2, 3].map((i) => provider.send(email({ to: `after${i}@example.com`, messageId: String(i) }))));
    expect(after.map((r) => r.outcome)).toEqual(['sent', 'sent', 'sent']);
    expect(sink.messages.map((m) => m.to[0]).sort()).toEqual(['after1@example.com', 'after2@example.com', 'after3@example.com']);
  });

  it('answers connection when nothing listens, without leaking the password in the reason', async () => {
    const closed = await startSink();
    const url = closed.url.replace('smtp://', 'smtp://herald:s3cret-pass@');
    await closed.close();
    provider = new SmtpEmailProvider({ url, poolSize: 1, dkim: null });
    const result = await provider.send(email());
    expect(result).toMatchObject({ outcome: 'retryable', category: 'connection' });
    expect(JSON.stringify(result)).not.toContain('s3cret-pass');
  });
});

describe('local capture', () => {
  it('captures mail sent through the SMTP provider as .eml files the outbox lists newest first', async () => {
    const dir = path.join(tempDir(), 'outbox', 'mail');
    const clock = new FixedClock(new Date('2026-11-23T09:00:00.000Z'));
    const capture = await startCaptureSmtpServer({ dir, clock });
    expect(capture.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    const provider = new SmtpEmailProvider({ url: capture.url, poolSize: 2, dkim: null });
    try {
      const subjects = ['First', 'Ünïcödé sale — 20% off for Zoë, a subject long enough to be folded into several encoded words', 'Third'];
      const ids: (string | null)[] = [];
      for (const [i, subject] of subjects.entries()) {
        const result = await provider.send(email({ subject, to: `reader${i}@example.com`, unsubscribeUrl: `https://herald.acme.test/u/${i}` }));
        expect(result.outcome).toBe('sent');
        ids.push(result.outcome === 'sent' ? result.providerMessageId : null);
        clock.advance(1000);
      }

      const files = fs.readdirSync(dir);
      expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(3);
      expect(files.filter((f) => !f.endsWith('.eml'))).toEqual([]);

      const listed = await listCapturedMail(dir, 10);
      expect(listed.map((m) => m.subject)).toEqual([...subjects].reverse());
      expect(listed.map((m) => m.to)).toEqual(['reader2@example.com', 'reader1@example.com', 'reader0@example.com']);
      expect(listed.map((m) => m.listUnsubscribe)).toEqual([2, 1, 0].map((i) => `<https://herald.acme.test/u/${i}>`));
      expect(listed.map((m) => m.messageId)).toEqual([...ids].reverse());
      expect(listed[0]!.from).toBe('Acme News <news@acme.test>');
      expect(listed[0]!.date).toBeInstanceOf(Date);
      expect(path.basename(listed[0]!.file)).toMatch(/^20261123T090002000Z-\d{6}-[0-9a-f]{6}\.eml$/);

      // The file is the message as sent: a mail parser reads it back whole.
      const parsed = await simpleParser(fs.readFileSync(listed[1]!.file));
      expect(parsed.subject).toBe(subjects[1]);
      expect(parsed.text?.trim()).toBe('Hello Ana');
      expect(rawHeader(parsed, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

      expect(await listCapturedMail(dir, 2)).toHaveLength(2);
      expect(await listCapturedMail(path.join(dir, 'missing'), 5)).toEqual([]);
    } finally {
      await provider.close();
      await capture.close();
    }
  });

  it('decodes RFC 2047 words, joining a character split across two words', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?Z=C3=AB?= and =?utf-8?B?w7w=?=')).toBe('Zë and ü');
    expect(decodeEncodedWords('=?UTF-8?Q?Z=C3?= =?UTF-8?Q?=AB_sale?=')).toBe('Zë sale');
    expect(decodeEncodedWords('=?ISO-8859-1?Q?caf=E9?=')).toBe('café');
    expect(decodeEncodedWords('plain subject')).toBe('plain subject');
  });

  it('keeps SMS as JSON lines with segments, and lists them newest first', async () => {
    const dir = path.join(tempDir(), 'outbox');
    const clock = new FixedClock(new Date('2026-11-23T10:00:00.000Z'));
    const sms = new SmsOutboxProvider({ dir, clock });
    expect(sms.channel).toBe('sms');
    expect(sms.name).toBe('capture');

    const base: OutboundMessage = { messageId: '1', campaignId: 1, runId: 1, channel: 'sms', to: '+15555550100', text: 'Hi', sender: '+15555550199', ttlSeconds: 3600 };
    const texts = ['Sale today', 'x'.repeat(161), 'Sale 🎉 today'];
    const results = [];
    for (const [i, text] of texts.entries()) {
      results.push(await sms.send({ ...base, messageId: String(i + 1), text }));
      clock.advance(60_000);
    }
    expect(results.map((r) => r.outcome === 'sent' && r.segments)).toEqual([1, 2, 1]);
    for (const r of results) expect(r).toMatchObject({ outcome: 'sent', final: true, providerMessageId: expect.stringMatching(/^OUTBOX-[0-9a-f]+$/) });
    expect(new Set(results.map((r) => r.outcome === 'sent' && r.providerMessageId)).size).toBe(3);

    const lines = fs.readFileSync(path.join(dir, 'sms.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toEqual({
      at: '2026-11-23T10:00:00.000Z',
      messageId: '1',
      to: '+15555550100',
      sender: '+15555550199',
      text: 'Sale today',
      segments: 1,
      ttlSeconds: 3600,
    });

    const listed = await listCapturedSms(dir, 2);
    expect(listed.map((m) => m.messageId)).toEqual(['3', '2']);
    expect(listed[0]!.at).toBe('2026-11-23T10:02:00.000Z');
    expect(await listCapturedSms(path.join(dir, 'missing'), 5)).toEqual([]);
  });

  it('counts SMS segments the way carriers bill them', () => {
    expect(countSmsSegments('')).toBe(1);
    expect(countSmsSegments('a'.repeat(160))).toBe(1);
    expect(countSmsSegments('a'.repeat(161))).toBe(2);
    expect(countSmsSegments('a'.repeat(306))).toBe(2);
    expect(countSmsSegments('a'.repeat(307))).toBe(3);
    // One emoji switches the whole message to UCS-2: 70 per segment, 67 once split.
    expect(countSmsSegments(`🎉${'a'.repeat(68)}`)).toBe(1);
    expect(countSmsSegments(`🎉${'a'.repeat(69)}`)).toBe(2);
  });
});
