import { AppError } from '../errors.js';
import { closestMatch } from '../text/closest-match.js';

/**
 * What the rest of Herald needs to know about a delivery channel, declared by its provider adapter:
 * where a contact's address for it lives, what content a template holds, which sending details it
 * needs. With it, a new channel (WebPush, Telegram, a webhook) is one adapter file.
 */
export interface ChannelSpec {
  /** The word people type: `--channel email`. Lower case letters, digits, `_` and `-`. */
  name: string;
  /** A contact's address: the email or phone column, or a custom attribute (`telegram_chat_id`). */
  address: { field: 'email' | 'phone' } | { attribute: string };
  /** `email`: subject, HTML and text with a one-click unsubscribe; `text`: one body. */
  content: 'email' | 'text';
  /** Template sending details it needs: from address (email), SMS sender, or none. */
  sender: 'email' | 'sms' | 'none';
  /** Paced and billed per segment (SMS) rather than per message. */
  segmented: boolean;
  /** Held to the recipient's local sending window (SMS quiet hours). */
  quietHours: boolean;
  /** Has a validity period (`--ttl`). */
  ttl: boolean;
  /** The provider posts delivery receipts to Herald (a status callback URL is passed). */
  receipts: boolean;
  /** Messages per second (or segments) when the configuration names no rate for this channel. */
  defaultRatePerSecond: number;
}

export type ChannelSpecs = ReadonlyMap<string, ChannelSpec>;

export const EMAIL_CHANNEL: ChannelSpec = {
  name: 'email',
  address: { field: 'email' },
  content: 'email',
  sender: 'email',
  segmented: false,
  quietHours: false,
  ttl: false,
  receipts: false,
  defaultRatePerSecond: 100,
};

export const SMS_CHANNEL: ChannelSpec = {
  name: 'sms',
  address: { field: 'phone' },
  content: 'text',
  sender: 'sms',
  segmented: true,
  quietHours: true,
  ttl: true,
  receipts: true,
  defaultRatePerSecond: 1,
};

export const CHANNEL_NAME = /^[a-z][a-z0-9_-]{0,30}$/;

export function channelSpecs(specs: readonly ChannelSpec[]): ChannelSpecs {
  return new Map(specs.map((s) => [s.name, s]));
}

/** The spec of a channel by name; INVALID_INPUT naming the channels this Herald has otherwise. */
export function channelSpec(specs: ChannelSpecs, name: string): ChannelSpec {
  const spec = specs.get(name);
  if (spec) return spec;
  const guess = closestMatch(name, [...specs.keys()]);
  throw new AppError(
    'INVALID_INPUT',
    `Unknown channel "${name}"${guess ? `; did you mean "${guess}"?` : '.'} This Herald sends on ${[...specs.keys()].join(', ')}.`,
    { channel: name, field: 'channel' },
  );
}

/** How a contact's address for the channel reads in messages to people. */
export function addressNoun(spec: ChannelSpec): string {
  if ('field' in spec.address) return spec.address.field === 'email' ? 'an email address' : 'a phone number';
  return `a "${spec.address.attribute}" attribute`;
}
