import type { Channel } from '../campaign/campaign.js';
import type { FailureCategory } from '../delivery/message-status.js';
import type { ChannelSpec } from '../channels/channel-spec.js';

/** One rendered message, ready for a provider. Built by the delivery engine from the run's snapshot. */
export interface OutboundMessage {
  /** The ledger row's id (a bigint, as text): providers put it where receipts can bring it back. */
  messageId: string;
  campaignId: number;
  runId: number;
  channel: Channel;
  /** Email address or E.164 phone number. */
  to: string;
  /** Email: the sender. SMS: `sender` below. */
  from?: { name: string | null; address: string };
  replyTo?: string | null;
  subject?: string;
  html?: string | null;
  /** The plain-text body (email text part, or the SMS body). */
  text: string;
  /**
   * Email: RFC 8058 one-click unsubscribe URL (a signed token); the provider adds `List-Unsubscribe`
   * and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
   */
  unsubscribeUrl?: string | null;
  /**
   * Email: the campaign's RFC 2919 `List-Id`, the same for every run of a campaign (`id` such as
   * `c-1042.herald.example.com`, `name` the campaign's name or null); the provider writes the header
   * and its DKIM signature covers it.
   */
  listId?: { id: string; name: string | null } | null;
  /** SMS: a phone number, alphanumeric sender, or a Twilio messaging-service SID (`MG…`). */
  sender?: string;
  /** SMS: validity period in seconds (Twilio `ValidityPeriod`). */
  ttlSeconds?: number | null;
  /** SMS: where the provider posts delivery receipts. */
  statusCallbackUrl?: string | null;
  /** Extra headers (email) such as `X-Herald-Message`; providers may ignore them. */
  headers?: Record<string, string>;
}

/**
 * What a provider answers. Providers never throw for a delivery problem: they return one of these,
 * and the engine decides to record, retry, fail, suppress or suspend (STYLE.md habit 5).
 */
export type SendResult =
  | {
      outcome: 'sent';
      /** Email Message-ID, Twilio message SID. */
      providerMessageId: string | null;
      /** True when accepted means done (email 250); false when a delivery receipt will follow (SMS). */
      final: boolean;
      /** SMS: segments billed. */
      segments?: number;
      /** Cost in millionths of the account currency, when the provider says. */
      costMicros?: number | null;
    }
  | { outcome: 'retryable'; category: FailureCategory; reason: string; retryAfterMs?: number }
  | { outcome: 'permanent'; category: FailureCategory; reason: string };

/**
 * A delivery channel's provider (SMTP, Twilio, local capture, …): one adapter file each. Its `spec`
 * tells the rest of Herald how the channel addresses contacts and what its templates hold, so a new
 * channel needs no change elsewhere.
 */
export interface ChannelProvider {
  readonly channel: Channel;
  readonly spec: ChannelSpec;
  /** Short name for logs and the README ("smtp", "twilio", "capture"). */
  readonly name: string;
  /**
   * Messages it can really be sending at once (SMTP: the pool's connections). The engine hands over
   * no more than this, so a crash leaves no more than this many `unknown`. Unset: SEND_CONCURRENCY.
   */
  readonly maxInFlight?: number;
  /**
   * True when the provider can start its exchange before the hand-over is recorded and hold back the
   * message itself until then (SMTP: the envelope goes ahead, the body waits). The engine then passes
   * `handedOver` with the call instead of awaiting it first, so the record costs no time on the wire.
   */
  readonly holdsUntilHandedOver?: boolean;
  /**
   * Sends one message; resolves to a result, never rejects for a delivery problem. With
   * `holdsUntilHandedOver`, `handedOver` is given: no part of the message may reach the provider
   * before it resolves true, and the message is abandoned, unsent, when it resolves false or rejects.
   */
  send(message: OutboundMessage, handedOver?: Promise<boolean>): Promise<SendResult>;
  /** Segments an SMS body would be billed as (email: 1). */
  segments(text: string): number;
  /** Releases pooled connections. */
  close(): Promise<void>;
}
