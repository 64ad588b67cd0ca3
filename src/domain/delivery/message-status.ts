/**
 * Message statuses (PRODUCT.md "Messages") and the failure categories providers map their errors to.
 * One row per recipient per run is the ledger; these words are what people filter and export by.
 */
export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'delivered',
  'failed',
  'opted_out',
  'retrying',
  'assumed_delivered',
  'bounced',
  'complained',
  'blocked',
  'unknown',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const MESSAGE_STATUS_MEANING: Record<MessageStatus, string> = {
  queued: 'waiting to be sent',
  sending: 'handed to the provider; waiting for its answer or delivery receipt',
  delivered: 'accepted by the receiving server (email) or confirmed delivered (SMS)',
  failed: 'could not be sent; see the failure category and the provider’s reason',
  opted_out: 'not sent: the recipient is on the suppression list',
  retrying: 'deferred by the provider; will be tried again',
  assumed_delivered: 'SMS sent with no delivery receipt before the timeout',
  bounced: 'the address or number does not exist (hard bounce)',
  complained: 'the recipient marked it as spam',
  blocked: 'refused by the receiving side’s filtering (spam or carrier filter)',
  unknown: 'the process stopped between handing it to the provider and recording the answer; never resent automatically',
};

/** Statuses a message never leaves by itself (only a person's retry moves failed/unknown back). */
export const FINAL_MESSAGE_STATUSES: readonly MessageStatus[] = [
  'delivered',
  'failed',
  'opted_out',
  'assumed_delivered',
  'bounced',
  'complained',
  'blocked',
  'unknown',
];

/** What a person may retry by hand (seed 004: never opted-out recipients). */
export const RETRYABLE_BY_HAND: readonly MessageStatus[] = ['failed', 'unknown'];

/**
 * Where a provider's error lands. Providers map their own codes to one of these and keep the raw
 * reason; the engine decides from the category whether to retry, fail, suppress or suspend.
 */
export const FAILURE_CATEGORIES = [
  'invalid_recipient',
  'opted_out',
  'blocked',
  'content_rejected',
  'mailbox_full',
  'rate_limited',
  'connection',
  'temporary',
  'provider_error',
  'ambiguous',
  'account',
  'configuration',
  'expired',
  'gave_up',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

export const FAILURE_CATEGORY_MEANING: Record<FailureCategory, string> = {
  invalid_recipient: 'the address or number does not exist or is not valid',
  opted_out: 'the recipient opted out at the provider (e.g. replied STOP)',
  blocked: 'refused as spam or by a carrier filter',
  content_rejected: 'the provider refused the content',
  mailbox_full: 'the mailbox is full or over quota',
  rate_limited: 'the provider asked us to slow down',
  connection: 'the connection to the provider failed or dropped',
  temporary: 'a temporary failure the provider expects to clear',
  provider_error: 'the provider failed in a way that did not send the message',
  ambiguous: 'the provider failed after it may have sent the message',
  account: 'an account problem: authentication, permission, quota or balance',
  configuration: 'Herald is not configured for this (sender, credentials)',
  expired: 'not delivered within its validity period (SMS TTL)',
  gave_up: 'still failing after the last automatic attempt',
};

export function isMessageStatus(value: string): value is MessageStatus {
  return (MESSAGE_STATUSES as readonly string[]).includes(value);
}

export function isFailureCategory(value: string): value is FailureCategory {
  return (FAILURE_CATEGORIES as readonly string[]).includes(value);
}
