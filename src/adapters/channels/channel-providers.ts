import path from 'node:path';
import type { Config } from '../../config.js';
import type { Channel } from '../../domain/campaign/campaign.js';
import type { ChannelProvider } from '../../domain/ports/channel-provider.js';
import type { Clock } from '../../domain/ports/clock.js';
import { startCaptureSmtpServer } from './capture/capture-smtp-server.js';
import { SmsOutboxProvider } from './capture/sms-outbox-provider.js';
import { SmtpEmailProvider } from './smtp-email-provider.js';

export interface ChannelProviders {
  providers: Partial<Record<Channel, ChannelProvider>>;
  /** Where local captures go when no real provider is configured (the console's `outbox`). */
  outbox: { mailDir: string; smsDir: string } | null;
  close(): Promise<void>;
}

/**
 * One provider per channel from configuration. Without SMTP_URL, mail goes through the same SMTP
 * code to a real SMTP server started in-process that keeps every message under the data folder;
 * without Twilio credentials, SMS land in an outbox file there. A new channel is one adapter file
 * implementing ChannelProvider, added here.
 */
export async function createChannelProviders(config: Config, clock: Clock): Promise<ChannelProviders> {
  const outboxDir = path.join(config.dataDir, 'outbox');
  const closers: (() => Promise<void>)[] = [];
  let smtpUrl = config.email.smtpUrl;
  let captures = false;
  if (!smtpUrl) {
    const capture = await startCaptureSmtpServer({ dir: path.join(outboxDir, 'mail'), clock });
    closers.push(() => capture.close());
    smtpUrl = capture.url;
    captures = true;
  }
  const email = new SmtpEmailProvider({ url: smtpUrl, poolSize: config.email.poolSize, dkim: config.email.dkim });
  closers.unshift(() => email.close());
  const twilio = config.sms.twilio;
  // The twilio SDK (~25 MB resident) is loaded only when Twilio is configured.
  const sms: ChannelProvider = twilio
    ? new (await import('./twilio-sms-provider.js')).TwilioSmsProvider({
        accountSid: twilio.accountSid,
        authToken: twilio.authToken,
        apiBaseUrl: twilio.apiBaseUrl,
        defaultSender: config.sms.messagingServiceSid ?? config.sms.from,
      })
    : new SmsOutboxProvider({ dir: outboxDir, clock });
  if (!twilio) captures = true;
  closers.unshift(() => sms.close());
  return {
    providers: { email, sms },
    outbox: captures ? { mailDir: path.join(outboxDir, 'mail'), smsDir: outboxDir } : null,
    async close() {
      for (const close of closers) await close();
    },
  };
}
