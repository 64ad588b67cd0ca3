import { SMS_CHANNEL } from '../../domain/channels/channel-spec.js';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import type TwilioResponseModule from 'twilio/lib/http/response.js';
import type { FailureCategory, MessageStatus } from '../../domain/delivery/message-status.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../../domain/ports/channel-provider.js';
import { countSmsSegments } from './sms-segments.js';

/** twilio's response class; its module is CommonJS with `exports.default`, hence the spelling. */
type TwilioResponse<T> = TwilioResponseModule.default<T>;

export interface TwilioSmsProviderOptions {
  accountSid: string;
  authToken: string;
  /** Another origin for the REST API (a local fake in tests, a proxy); null means api.twilio.com. */
  apiBaseUrl?: string | null;
  /** Used when a message carries no sender: a phone number, alphanumeric id or `MG…` service SID. */
  defaultSender?: string | null;
  /** Per-request timeout; Twilio's client defaults to 30 s. */
  timeoutMs?: number;
}

/** Twilio's bounds for `ValidityPeriod`, in seconds. */
export const TWILIO_VALIDITY_MIN_SECONDS = 1;
export const TWILIO_VALIDITY_MAX_SECONDS = 36_000;

type FailedResult = Exclude<SendResult, { outcome: 'sent' }>;

/** SMS through Twilio's Messages API with the official client; never throws for a delivery problem. */
export class TwilioSmsProvider implements ChannelProvider {
  readonly channel = 'sms' as const;
  readonly spec = SMS_CHANNEL;
  readonly name = 'twilio';
  private readonly httpClient: HeraldRequestClient;
  private readonly client: twilio.Twilio;

  constructor(private readonly options: TwilioSmsProviderOptions) {
    this.httpClient = new HeraldRequestClient(options.apiBaseUrl ?? null, options.timeoutMs);
    this.client = twilio(options.accountSid, options.authToken, { httpClient: this.httpClient });
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const sender = message.sender?.trim() || this.options.defaultSender?.trim() || null;
    if (!sender) return { outcome: 'permanent', category: 'configuration', reason: 'no SMS sender: set one on the template or TWILIO_FROM / TWILIO_MESSAGING_SERVICE_SID' };
    const validity = validityPeriod(message.ttlSeconds);
    if (validity === 'invalid') {
      return { outcome: 'permanent', category: 'configuration', reason: `SMS TTL ${message.ttlSeconds} s is outside Twilio's ${TWILIO_VALIDITY_MIN_SECONDS}–${TWILIO_VALIDITY_MAX_SECONDS} s` };
    }
    try {
      const created = await this.client.messages.create({
        to: message.to,
        body: message.text,
        ...(sender.startsWith('MG') ? { messagingServiceSid: sender } : { from: sender }),
        ...(validity !== null ? { validityPeriod: validity } : {}),
        ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
      });
      return {
        outcome: 'sent',
        providerMessageId: created.sid,
        final: false,
        segments: Number(created.numSegments) || this.segments(message.text),
        costMicros: priceToMicros(created.price),
      };
    } catch (error) {
      return classifyTwilioError(error);
    }
  }

  segments(text: string): number {
    return countSmsSegments(text);
  }

  async close(): Promise<void> {
    this.httpClient.close();
  }
}

/**
 * Twilio's validity period for a TTL: null when none. Longer TTLs are capped at Twilio's maximum
 * rather than refused, because Twilio's queue drops messages after about 10 h anyway.
 */
function validityPeriod(ttlSeconds: number | null | undefined): number | null | 'invalid' {
  if (ttlSeconds == null) return null;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < TWILIO_VALIDITY_MIN_SECONDS) return 'invalid';
  return Math.min(Math.ceil(ttlSeconds), TWILIO_VALIDITY_MAX_SECONDS);
}

/** Twilio prices are negative decimal strings ("-0.00790"): the amount charged. */
function priceToMicros(price: string | null | undefined): number | null {
  if (price == null || price === '') return null;
  const value = Number(price);
  return Number.isFinite(value) ? Math.round(Math.abs(value) * 1_000_000) : null;
}

/**
 * Twilio's HTTP client with two additions: an origin rewrite (twilio's `edge`/`region` options
 * cannot reach a local fake) and the 429 Retry-After header, which RestException drops.
 */
class HeraldRequestClient extends RequestClient {
  private readonly origin: URL | null;

  constructor(apiBaseUrl: string | null, timeoutMs?: number) {
    super(timeoutMs ? { timeout: timeoutMs } : {});
    this.origin = apiBaseUrl ? new URL(apiBaseUrl) : null;
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    if (this.origin) {
      const uri = new URL(opts.uri);
      uri.protocol = this.origin.protocol;
      uri.host = this.origin.host;
      // A base path (a proxy mounted under /twilio) is kept in front of Twilio's own path.
      const base = this.origin.pathname.replace(/\/+$/, '');
      if (base) uri.pathname = base + uri.pathname;
      opts = { ...opts, uri: uri.toString() };
    }
    const response = await super.request(opts);
    if (response.statusCode === 429) {
      const retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'));
      if (retryAfterMs !== null) throw Object.assign(new twilio.RestException(response), { retryAfterMs });
    }
    return response;
  }

  close(): void {
    const agent = (this.axios.defaults as { httpsAgent?: { destroy?: () => void } }).httpsAgent;
    agent?.destroy?.();
  }
}

function headerValue(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  const raw = (headers as Record<string, unknown>)[name];
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && typeof raw[0] === 'string') return raw[0];
  if (typeof raw === 'number') return String(raw);
  return null;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Failures before the request could reach Twilio: nothing was sent, so a retry is safe. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Failures after the request may have reached Twilio (NOTES.md: it may have queued the message). */
const MAYBE_SENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ERR_NETWORK']);
const INVALID_RECIPIENT_CODES = new Set([21211, 21614, 21217, 21612]);
const ACCOUNT_CODES = new Set([20003, 20005, 20008, 21408]);
const CONFIGURATION_CODES = new Set([21606, 21603, 21212, 21659]);

/**
 * Maps what the twilio client threw to a send result. Codes win over HTTP statuses because they
 * are more precise (21610 and 21211 both come back as 400). A 5xx on create is permanent and
 * `ambiguous`: Twilio may have queued the message, and sending it again could text someone twice.
 */
export function classifyTwilioError(err: unknown): FailedResult {
  const e = (err ?? {}) as { status?: unknown; code?: unknown; message?: unknown; retryAfterMs?: unknown; cause?: { code?: unknown } };
  const status = typeof e.status === 'number' ? e.status : null;
  const code = typeof e.code === 'number' ? e.code : null;
  const text = typeof e.message === 'string' && e.message ? e.message : String(err);
  const reason = [status !== null ? `HTTP ${status}` : null, code !== null ? `Twilio ${code}` : null, text].filter(Boolean).join(' ');
  const retryAfterMs = typeof e.retryAfterMs === 'number' && e.retryAfterMs >= 0 ? e.retryAfterMs : undefined;

  if (status === null) {
    const sysCode = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : null;
    const detail = sysCode ? `${sysCode} ${text}` : text;
    if ((sysCode && NOT_SENT_CODES.has(sysCode)) || /^connect /.test(text)) {
      return { outcome: 'retryable', category: 'connection', reason: detail };
    }
    if ((sysCode && MAYBE_SENT_CODES.has(sysCode)) || /socket hang up|timeout/i.test(text)) {
      // The connection broke after the request went out: texting again could reach someone twice.
      return { outcome: 'permanent', category: 'ambiguous', reason: `connection lost after sending the request: ${detail}` };
    }
    // Not an HTTP answer and not a known network failure: we cannot tell whether it was sent.
    return { outcome: 'permanent', category: 'ambiguous', reason };
  }
  if (code === 20429 || status === 429) return { outcome: 'retryable', category: 'rate_limited', reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (code === 30001) return { outcome: 'retryable', category: 'rate_limited', reason };
  if (code === 21610) return { outcome: 'permanent', category: 'opted_out', reason };
  if (code !== null && INVALID_RECIPIENT_CODES.has(code)) return { outcome: 'permanent', category: 'invalid_recipient', reason };
  if (code !== null && ACCOUNT_CODES.has(code)) return { outcome: 'permanent', category: 'account', reason };
  if (code !== null && CONFIGURATION_CODES.has(code)) return { outcome: 'permanent', category: 'configuration', reason };
  if (status >= 500) return { outcome: 'permanent', category: 'ambiguous', reason };
  if (status === 401 || status === 403) return { outcome: 'permanent', category: 'account', reason };
  return { outcome: 'permanent', category: 'provider_error', reason };
}

/** A status callback's meaning for the ledger. `sending` means still in flight: finality unchanged. */
export interface MappedTwilioStatus {
  status: MessageStatus;
  category: FailureCategory | null;
}

/** Maps a Twilio `MessageStatus` (+ `ErrorCode`) callback to Herald's message status. */
export function mapTwilioStatus(status: string, errorCode?: string | number | null): MappedTwilioStatus {
  const s = status.trim().toLowerCase();
  if (s === 'delivered' || s === 'read') return { status: 'delivered', category: null };
  if (s === 'canceled') return { status: 'failed', category: 'provider_error' };
  // queued, accepted, scheduled, sending, sent, and any status Twilio adds later: still in flight.
  if (s !== 'failed' && s !== 'undelivered') return { status: 'sending', category: null };
  const code = errorCode == null || errorCode === '' ? null : Number(errorCode);
  switch (code) {
    case 30003: // unreachable handset
    case 30005: // unknown destination
    case 30006: // landline or unreachable carrier
      return { status: 'bounced', category: 'invalid_recipient' };
    case 30004: // blocked by the recipient or carrier
    case 30007: // carrier filtering (spam)
      return { status: 'blocked', category: 'blocked' };
    case 21610:
      return { status: 'opted_out', category: 'opted_out' };
    case 30001: // queue overflow
      return { status: 'failed', category: 'temporary' };
    case 30036: // validity period expired
      return { status: 'failed', category: 'expired' };
    default:
      return { status: 'failed', category: 'provider_error' };
  }
}
