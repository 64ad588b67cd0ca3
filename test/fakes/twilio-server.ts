import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

/** One Messages API call as the fake saw it. */
export interface RecordedTwilioRequest {
  method: string;
  path: string;
  accountSid: string | null;
  /** Decoded HTTP Basic credentials, or null when absent. */
  auth: { username: string; password: string } | null;
  authorized: boolean;
  headers: http.IncomingHttpHeaders;
  /** Form fields (`To`, `Body`, `From`, `MessagingServiceSid`, `ValidityPeriod`, `StatusCallback`, …). */
  form: Record<string, string>;
}

/** A scripted answer for the next Messages request: an error, or the connection dropped. */
export type TwilioFault =
  | { status: number; code?: number; message?: string; retryAfter?: string }
  | { drop: true };

export interface FakeTwilioServer {
  /** Origin to pass as `apiBaseUrl`, e.g. `http://127.0.0.1:54321`. */
  url: string;
  accountSid: string;
  authToken: string;
  requests: RecordedTwilioRequest[];
  /** Queues a fault; queued faults answer the next requests in order, then normal answers resume. */
  failNext(fault: TwilioFault): void;
  /** Sets `price` (e.g. "-0.00790") on successful answers; null by default, as Twilio answers on create. */
  setPrice(price: string | null): void;
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
export const FAKE_AUTH_TOKEN = 'fake-twilio-auth-token-0123456789';

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

/** A loopback stand-in for Twilio's Messages API that records requests and plays scripted faults. */
export async function startFakeTwilioServer(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilioServer> {
  const accountSid = options.accountSid ?? FAKE_ACCOUNT_SID;
  const authToken = options.authToken ?? FAKE_AUTH_TOKEN;
  const requests: RecordedTwilioRequest[] = [];
  let faults: TwilioFault[] = [];
  let price: string | null = null;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = MESSAGES_PATH.exec(url.pathname);
      const auth = basicAuth(req.headers.authorization);
      const authorized = auth !== null && auth.username === accountSid && auth.password === authToken;
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      requests.push({ method: req.method ?? '', path: url.pathname, accountSid: match?.[1] ?? null, auth, authorized, headers: req.headers, form });

      if (!match || req.method !== 'POST') return sendError(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
      if (!authorized || match[1] !== accountSid) return sendError(res, 401, 20003, 'Authenticate');
      const fault = faults.shift();
      if (fault && 'drop' in fault) {
        req.socket.destroy();
        return;
      }
      if (fault) return sendError(res, fault.status, fault.code ?? fault.status, fault.message ?? `Scripted failure ${fault.code ?? fault.status}`, fault.retryAfter);
      if (!form.To) return sendError(res, 400, 21604, "A 'To' phone number is required.");
      if (!form.From && !form.MessagingServiceSid) return sendError(res, 400, 21603, "A 'From' phone number is required.");
      if (!form.Body) return sendError(res, 400, 21602, 'Message body is required.');

      const sid = `SM${crypto.randomBytes(16).toString('hex')}`;
      const now = new Date().toUTCString().replace('GMT', '+0000');
      sendJson(res, 201, {
        account_sid: accountSid,
        api_version: '2010-04-01',
        body: form.Body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: form.From ?? null,
        messaging_service_sid: form.MessagingServiceSid ?? null,
        num_media: '0',
        num_segments: String(segmentsOf(form.Body)),
        price,
        price_unit: 'USD',
        sid,
        status: form.MessagingServiceSid ? 'accepted' : 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
        to: form.To,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    failNext: (fault) => void faults.push(fault),
    setPrice: (p) => void (price = p),
    reset() {
      requests.length = 0;
      faults = [];
      price = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Posts a status callback the way Twilio does: form-encoded and signed for the public URL. */
export async function postTwilioStatusCallback(
  url: string,
  authToken: string,
  fields: { MessageSid: string; MessageStatus: string; ErrorCode?: string | number; To?: string; From?: string; AccountSid?: string },
  options: { signature?: string; signedUrl?: string } = {},
): Promise<Response> {
  const params: Record<string, string> = {
    AccountSid: fields.AccountSid ?? FAKE_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    From: fields.From ?? '+15005550006',
    MessageSid: fields.MessageSid,
    MessageStatus: fields.MessageStatus,
    SmsSid: fields.MessageSid,
    SmsStatus: fields.MessageStatus,
    To: fields.To ?? '+14155550100',
  };
  if (fields.ErrorCode !== undefined) params.ErrorCode = String(fields.ErrorCode);
  return postSigned(url, authToken, params, options);
}

/** Posts an inbound SMS the way Twilio does (From is the person, To is our number). */
export async function postTwilioInboundSms(
  url: string,
  authToken: string,
  fields: { From: string; Body: string; To?: string; MessageSid?: string; AccountSid?: string },
  options: { signature?: string; signedUrl?: string } = {},
): Promise<Response> {
  const sid = fields.MessageSid ?? `SM${crypto.randomBytes(16).toString('hex')}`;
  const params: Record<string, string> = {
    AccountSid: fields.AccountSid ?? FAKE_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    Body: fields.Body,
    From: fields.From,
    MessageSid: sid,
    NumMedia: '0',
    NumSegments: '1',
    SmsMessageSid: sid,
    SmsSid: sid,
    SmsStatus: 'received',
    To: fields.To ?? '+15005550006',
  };
  return postSigned(url, authToken, params, options);
}

/**
 * `signedUrl` is the URL Twilio believes it calls (the public base URL behind a proxy); the request
 * itself goes to `url`. `signature` overrides the computed header (null-like '' omits it).
 */
async function postSigned(url: string, authToken: string, params: Record<string, string>, options: { signature?: string; signedUrl?: string }): Promise<Response> {
  const signature = options.signature ?? twilio.getExpectedTwilioSignature(authToken, options.signedUrl ?? url, params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1' };
  if (signature !== '') headers['x-twilio-signature'] = signature;
  return fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
}

function basicAuth(header: string | undefined): { username: string; password: string } | null {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sendError(res: http.ServerResponse, status: number, code: number, message: string, retryAfter?: string): void {
  const headers: Record<string, string> = retryAfter ? { 'retry-after': retryAfter } : {};
  sendJson(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Rough GSM-7 / UCS-2 count, enough for a fake (the provider has the real calculator). */
function segmentsOf(body: string): number {
  // eslint-disable-next-line no-control-regex
  const ucs2 = /[^\x00-\x7f£¥èéùìòÇØøÅå€]/.test(body);
  const single = ucs2 ? 70 : 160;
  const multi = ucs2 ? 67 : 153;
  const length = [...body].length;
  return length <= single ? 1 : Math.ceil(length / multi);
}
