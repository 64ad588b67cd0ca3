import { EMAIL_CHANNEL } from '../../domain/channels/channel-spec.js';
import { createPrivateKey } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { createTransport } from 'nodemailer';
import type { SMTPPoolOptions, SendMailOptions, Transporter } from 'nodemailer';
import type { FailureCategory } from '../../domain/delivery/message-status.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../../domain/ports/channel-provider.js';

export interface SmtpEmailProviderOptions {
  /** smtp:// or smtps:// URL; may hold credentials, so it is never logged or echoed in a reason. */
  url: string;
  poolSize: number;
  dkim: { domainName: string; keySelector: string; privateKey: string } | null;
  /** Extra nodemailer pool options (timeouts in tests, TLS settings); they win over the defaults. */
  transportOptions?: Partial<SMTPPoolOptions>;
}

/** The failure half of `SendResult`: what an SMTP error becomes. */
export type SmtpFailure = Exclude<SendResult, { outcome: 'sent' }>;

/** The fields nodemailer puts on its errors (smtp-connection `_formatError`). */
interface SmtpErrorFields {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

interface SmtpReply {
  /** Basic reply code (421, 550, …); null when the error carries no server reply. */
  code: number | null;
  /** RFC 3463 enhanced status code ("5.1.1") when the server gave one. */
  enhanced: string | null;
  text: string;
}

interface ReplyRule {
  when: (reply: SmtpReply & { code: number }) => boolean;
  outcome: SmtpFailure['outcome'];
  category: FailureCategory;
}

const RATE_TEXT = /\brate\b|rate[- ]?limit|too many ([\w-]+ ){0,2}(connections|messages|mails|emails|requests|sessions)|throttl|slow down/i;
const CONTENT_TEXT = /\bcontent\b|virus|malware|attachment|prohibited (url|link)|blocked (url|link)/i;
const UNKNOWN_USER_TEXT = /user unknown|unknown user|no such (user|mailbox|recipient)|does not exist|invalid (recipient|mailbox|address)|unknown recipient|recipient (address )?rejected|mailbox (unavailable|not found)/i;
const MAILBOX_FULL_TEXT = /mailbox (is )?full|over quota|quota exceeded|insufficient (system )?storage/i;
const SIZE_TEXT = /too (large|big)|size (limit|exceed)|exceeds? .*size/i;
const SENDER_AUTH_TEXT = /\bDMARC\b|\bSPF\b|\bDKIM\b|not authenticated|unauthenticated/i;

const enhancedIs = (reply: SmtpReply, prefix: string): boolean =>
  reply.enhanced !== null && (reply.enhanced === prefix || reply.enhanced.startsWith(`${prefix}.`));

/**
 * First match wins, so specific enhanced codes and texts come before the basic-code fallbacks.
 * Servers word replies freely; the enhanced code (RFC 3463) is the most reliable signal, the text
 * a hint where big providers are known to use it.
 */
const REPLY_RULES: readonly ReplyRule[] = [
  // 4xx: the server expects the problem to clear.
  { when: (r) => r.code >= 400 && r.code < 500 && RATE_TEXT.test(r.text), outcome: 'retryable', category: 'rate_limited' },
  { when: (r) => r.code === 421, outcome: 'retryable', category: 'connection' },
  { when: (r) => r.code >= 400 && r.code < 500 && (enhancedIs(r, '4.2.2') || MAILBOX_FULL_TEXT.test(r.text)), outcome: 'retryable', category: 'mailbox_full' },
  { when: (r) => r.code >= 400 && r.code < 500, outcome: 'retryable', category: 'temporary' },

  // 5xx: our side (credentials, relay permission, sender domain) before the recipient's.
  { when: (r) => r.code === 535 || r.code === 530 || enhancedIs(r, '5.7.8'), outcome: 'permanent', category: 'account' },
  // 5.4.5: the sending quota of the account (Gmail's daily limit).
  { when: (r) => r.code >= 500 && enhancedIs(r, '5.4.5'), outcome: 'permanent', category: 'account' },
  { when: (r) => r.code >= 500 && /relay/i.test(r.text), outcome: 'permanent', category: 'account' },
  // Bad sender address or system (5.1.7, 5.1.8), or mail refused for failing SPF/DKIM/DMARC: fixing it is a setup job.
  { when: (r) => enhancedIs(r, '5.1.7') || enhancedIs(r, '5.1.8') || enhancedIs(r, '5.7.25') || enhancedIs(r, '5.7.26') || enhancedIs(r, '5.7.27'), outcome: 'permanent', category: 'configuration' },
  { when: (r) => enhancedIs(r, '5.7') && SENDER_AUTH_TEXT.test(r.text), outcome: 'permanent', category: 'configuration' },
  // 552 is both "mailbox full" and "message too big": the enhanced code or text tells them apart.
  { when: (r) => enhancedIs(r, '5.3.4') || (r.code === 552 && SIZE_TEXT.test(r.text)), outcome: 'permanent', category: 'content_rejected' },
  { when: (r) => r.code === 552 || enhancedIs(r, '5.2.2') || (r.code >= 500 && MAILBOX_FULL_TEXT.test(r.text)), outcome: 'permanent', category: 'mailbox_full' },
  // 5.2.1: the mailbox exists but is disabled; as good as gone for a mailing list.
  { when: (r) => enhancedIs(r, '5.1') || enhancedIs(r, '5.2.1'), outcome: 'permanent', category: 'invalid_recipient' },
  { when: (r) => enhancedIs(r, '5.6') || (enhancedIs(r, '5.7') && CONTENT_TEXT.test(r.text)), outcome: 'permanent', category: 'content_rejected' },
  { when: (r) => enhancedIs(r, '5.7') || r.code === 554, outcome: 'permanent', category: 'blocked' },
  { when: (r) => [550, 551, 553].includes(r.code) && (r.enhanced === null || UNKNOWN_USER_TEXT.test(r.text)), outcome: 'permanent', category: 'invalid_recipient' },
  { when: (r) => r.code >= 500, outcome: 'permanent', category: 'provider_error' },
];

/** nodemailer codes for errors that carry no server reply. */
const CODE_RULES: Readonly<Record<string, { outcome: SmtpFailure['outcome']; category: FailureCategory }>> = {
  ECONNECTION: { outcome: 'retryable', category: 'connection' },
  ESOCKET: { outcome: 'retryable', category: 'connection' },
  ETIMEDOUT: { outcome: 'retryable', category: 'connection' },
  EDNS: { outcome: 'retryable', category: 'connection' },
  ECONNREFUSED: { outcome: 'retryable', category: 'connection' },
  ECONNRESET: { outcome: 'retryable', category: 'connection' },
  EPIPE: { outcome: 'retryable', category: 'connection' },
  EPROTOCOL: { outcome: 'retryable', category: 'provider_error' },
  EAUTH: { outcome: 'permanent', category: 'account' },
  ETLS: { outcome: 'permanent', category: 'configuration' },
  EREQUIRETLS: { outcome: 'permanent', category: 'configuration' },
  // Without a server reply these come from nodemailer's own checks on the message it was given.
  EMESSAGE: { outcome: 'permanent', category: 'content_rejected' },
  ESTREAM: { outcome: 'permanent', category: 'provider_error' },
};

const MAX_REASON_LENGTH = 1000;

/**
 * nodemailer's default signed headers plus `List-Unsubscribe-Post`: RFC 8058 requires both
 * unsubscribe headers to be covered by the DKIM signature, or Gmail ignores one-click.
 */
const DKIM_SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'Content-ID', 'Content-Description', 'In-Reply-To', 'References',
  'List-Id', 'List-Help', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Subscribe', 'List-Post',
  'List-Owner', 'List-Archive', 'X-Herald-Message-Id',
].join(':');

/**
 * Maps a nodemailer error to a send result: server replies by their (enhanced) status code, errors
 * without a reply by nodemailer's code. Pure, so the table can be tested without a server.
 */
export function classifySmtpError(err: unknown): SmtpFailure {
  const fields: SmtpErrorFields = typeof err === 'object' && err !== null ? (err as SmtpErrorFields) : {};
  const response = typeof fields.response === 'string' ? fields.response.trim() : '';
  const message = typeof fields.message === 'string' ? fields.message : String(err);
  const code = typeof fields.code === 'string' ? fields.code : null;
  const reason = (response || message || 'unknown SMTP error').slice(0, MAX_REASON_LENGTH);

  const reply = parseReply(typeof fields.responseCode === 'number' ? fields.responseCode : null, response);
  if (reply.code !== null) {
    const withCode = { ...reply, code: reply.code };
    const rule = REPLY_RULES.find((r) => r.when(withCode));
    if (rule) return { outcome: rule.outcome, category: rule.category, reason };
  }

  if (code !== null) {
    if (code === 'EENVELOPE') {
      // nodemailer refuses a malformed address itself, before any server sees it.
      return /recipient/i.test(message)
        ? { outcome: 'permanent', category: 'invalid_recipient', reason }
        : { outcome: 'permanent', category: 'configuration', reason };
    }
    // A host name that does not exist is SMTP_URL's mistake: the campaign is suspended with the
    // reason, not retried as if the server were down (a lookup that timed out, EAI_AGAIN, is retried).
    if (code === 'EDNS' && /ENOTFOUND/.test(message)) {
      return { outcome: 'permanent', category: 'configuration', reason };
    }
    const rule = CODE_RULES[code];
    if (rule) return { ...rule, reason };
  }
  return { outcome: 'permanent', category: 'provider_error', reason };
}

function parseReply(responseCode: number | null, response: string): SmtpReply {
  const fromText = /^(\d{3})[\s-]/.exec(response);
  const code = responseCode ?? (fromText ? Number(fromText[1]) : null);
  const enhanced = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(response);
  return { code, enhanced: enhanced ? enhanced[1]! : null, text: response };
}

/** html-to-text (and its HTML parser, ~4 MB resident), loaded at the first HTML-only mail rather than at start. */
let htmlToText: Promise<typeof import('html-to-text').convert> | null = null;

/** The text part of an HTML-only mail: links kept as `text [url]`, images by their alt text. */
async function textFromHtml(html: string): Promise<string> {
  const convert = await (htmlToText ??= import('html-to-text').then((m) => m.convert));
  return convert(html, { wordwrap: 78, selectors: [{ selector: 'img', format: 'skip' }] });
}

/** nodemailer sends unsigned mail when the key does not load, so a bad key must stop start-up instead. */
function assertUsableDkimKey(privateKey: string): void {
  try {
    createPrivateKey(privateKey);
  } catch {
    // The key itself stays out of the message.
    throw new Error('DKIM_PRIVATE_KEY is not a usable private key (expected a PEM "PRIVATE KEY" block)');
  }
}

type HeraldMailOptions = SendMailOptions & { heraldHandedOver?: Promise<boolean> | undefined };

/** Holds every byte of the message until the hand-over is recorded; fails the send if it never is. */
class HandOverGate extends Transform {
  private readonly open: Promise<void>;

  constructor(handedOver: Promise<boolean>) {
    super();
    this.open = handedOver.then((handed) => {
      if (!handed) throw new Error('not sent: the hand-over was not recorded (another sender holds this message)');
    });
    this.open.catch(() => {}); // reported through the stream, by the first chunk that waits on it
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.open.then(() => callback(null, chunk), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.open.then(() => callback(), callback);
  }
}

/** Email over SMTP through a nodemailer connection pool; also how mail reaches the local capture server. */
export class SmtpEmailProvider implements ChannelProvider {
  readonly channel = 'email' as const;
  readonly spec = EMAIL_CHANNEL;
  readonly name = 'smtp';
  /** One message per pooled connection: more would wait inside nodemailer, handed over yet unsent. */
  readonly maxInFlight: number;
  /** MAIL FROM, RCPT TO and DATA go ahead while the hand-over is recorded; the body waits for it. */
  readonly holdsUntilHandedOver = true;
  private readonly transport: Transporter;

  constructor(options: SmtpEmailProviderOptions) {
    this.maxInFlight = options.poolSize;
    const poolOptions: SMTPPoolOptions & { pool: true } = {
      url: options.url,
      ...options.transportOptions,
      pool: true,
      maxConnections: options.poolSize,
      // A connection is reused until it breaks: reconnecting costs a greeting and a TLS handshake.
      maxMessages: Infinity,
      // nodemailer's logger would print the connection URL, which may hold the password.
      logger: false,
      debug: false,
    };
    if (options.dkim) {
      assertUsableDkimKey(options.dkim.privateKey);
      poolOptions.dkim = { ...options.dkim, headerFieldNames: DKIM_SIGNED_HEADERS };
    }
    this.transport = createTransport(poolOptions);
    // The message body passes through a gate that opens once the hand-over is recorded. Until the
    // body's final line the server has no message: abandoned before that, nothing was sent (the
    // pool closes that connection, and the server drops the half-open transaction).
    this.transport.use('stream', (mail, done) => {
      const handedOver = (mail.data as HeraldMailOptions).heraldHandedOver;
      if (handedOver) mail.message.transform(() => new HandOverGate(handedOver));
      done();
    });
  }

  async send(message: OutboundMessage, handedOver?: Promise<boolean>): Promise<SendResult> {
    // The engine awaits the hand-over itself; a refusal must not also surface as an unhandled rejection here.
    handedOver?.catch(() => {});
    if (!message.from) {
      return { outcome: 'permanent', category: 'configuration', reason: 'email message has no sender address' };
    }
    const headers: Record<string, string> = {
      ...message.headers,
      // Bounces and complaints quote the original headers; this brings them back to the ledger row.
      'X-Herald-Message-Id': message.messageId,
    };
    const mail: HeraldMailOptions = {
      heraldHandedOver: handedOver,
      from: message.from.name ? { name: message.from.name, address: message.from.address } : message.from.address,
      to: message.to,
      subject: message.subject ?? '',
      // Mail with HTML and no text part reads as spam (SpamAssassin MIME_HTML_ONLY) and is unreadable
      // in text-only clients: a template with HTML only gets its text part from the HTML.
      text: message.text.trim() || !message.html ? message.text : await textFromHtml(message.html),
      headers,
    };
    if (message.replyTo) mail.replyTo = message.replyTo;
    if (message.html) mail.html = message.html;
    const list: NonNullable<SendMailOptions['list']> = {};
    if (message.listId) {
      // nodemailer writes `List-ID: "name" <id>`, quoting or encoding the name (RFC 2047) as needed.
      list.id = message.listId.name ? { url: message.listId.id, comment: message.listId.name } : { url: message.listId.id };
    }
    if (message.unsubscribeUrl) {
      // nodemailer writes `List-Unsubscribe: <url>` (sanitised, never broken inside the URL);
      // the POST header makes it RFC 8058 one-click, which Gmail and Yahoo require of bulk senders.
      list.unsubscribe = { url: message.unsubscribeUrl };
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    if (Object.keys(list).length > 0) mail.list = list;
    try {
      const info = (await this.transport.sendMail(mail)) as { messageId?: string };
      return { outcome: 'sent', providerMessageId: info.messageId ?? null, final: true };
    } catch (err) {
      return classifySmtpError(err);
    }
  }

  segments(): number {
    return 1;
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
