import { SMS_CHANNEL } from '../../../domain/channels/channel-spec.js';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../../domain/ports/clock.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../../../domain/ports/channel-provider.js';
import { countSmsSegments } from '../sms-segments.js';

export interface SmsOutboxProviderOptions {
  /** Folder holding `sms.jsonl`; created when missing. */
  dir: string;
  clock: Clock;
}

/** One line of `sms.jsonl`. */
export interface CapturedSms {
  at: string;
  messageId: string;
  to: string;
  sender: string | null;
  text: string;
  segments: number;
  ttlSeconds: number | null;
}

export const SMS_OUTBOX_FILE = 'sms.jsonl';

/**
 * The local capture for SMS when no Twilio account is configured: each message becomes one JSON
 * line, so a trial run shows exactly what would have been sent and how many segments it costs.
 */
export class SmsOutboxProvider implements ChannelProvider {
  readonly channel = 'sms' as const;
  readonly spec = SMS_CHANNEL;
  readonly name = 'capture';
  private readonly file: string;
  private ready: Promise<unknown> | null = null;

  constructor(private readonly options: SmsOutboxProviderOptions) {
    this.file = path.join(options.dir, SMS_OUTBOX_FILE);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const segments = countSmsSegments(message.text);
    const line: CapturedSms = {
      at: this.options.clock.now().toISOString(),
      messageId: message.messageId,
      to: message.to,
      sender: message.sender ?? null,
      text: message.text,
      segments,
      ttlSeconds: message.ttlSeconds ?? null,
    };
    try {
      this.ready ??= mkdir(this.options.dir, { recursive: true });
      await this.ready;
      // One appendFile call per line: O_APPEND keeps concurrent sends from interleaving lines.
      await appendFile(this.file, `${JSON.stringify(line)}\n`, 'utf8');
    } catch (err) {
      this.ready = null;
      return { outcome: 'retryable', category: 'provider_error', reason: `SMS outbox not writable: ${String(err)}` };
    }
    return { outcome: 'sent', providerMessageId: `OUTBOX-${randomBytes(8).toString('hex')}`, final: true, segments };
  }

  segments(text: string): number {
    return countSmsSegments(text);
  }

  async close(): Promise<void> {}
}
