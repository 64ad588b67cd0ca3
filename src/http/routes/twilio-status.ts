import type { FailureCategory, MessageStatus } from '../../domain/delivery/message-status.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { ReceiptSink } from '../../domain/ports/receipt-sink.js';
import { sendText, sendTwiml } from '../reply.js';
import type { HttpLogger, HttpRoute } from '../route.js';
import { readSignedTwilioForm } from '../twilio-signature.js';

/** Maps a provider's callback status and error code to the ledger's words (the Twilio adapter's `mapTwilioStatus`). */
export type SmsStatusMapper = (status: string, errorCode: string | null) => { status: MessageStatus; category: FailureCategory | null };

export interface TwilioStatusRouteDeps {
  receipts: ReceiptSink;
  mapStatus: SmsStatusMapper;
  clock: Clock;
  log: HttpLogger;
  authToken: string;
  publicBaseUrl: string | null;
  maxBodyBytes?: number;
}

export const TWILIO_STATUS_PATH = '/webhooks/twilio/status';

/**
 * Twilio delivery receipts. Anything signed gets a 200, even an unknown SID. The callback URL carries
 * Herald's message id (`?m=`, covered by Twilio's signature), so a receipt that arrives before the
 * engine wrote the SID still finds its message.
 */
export function twilioStatusRoute(deps: TwilioStatusRouteDeps): HttpRoute {
  return {
    method: 'POST',
    path: TWILIO_STATUS_PATH,
    async handler(req, res) {
      const form = await readSignedTwilioForm(req, res, deps, 'twilio status callback');
      if (!form) return;
      const sid = form.MessageSid ?? form.SmsSid;
      const twilioStatus = form.MessageStatus ?? form.SmsStatus;
      if (!sid || !twilioStatus) return sendText(res, 400, 'MessageSid and MessageStatus are required');
      const errorCode = form.ErrorCode?.trim() || null;
      const mapped = deps.mapStatus(twilioStatus, errorCode);
      const known = await deps.receipts.applyReceipt({
        providerMessageId: sid,
        messageId: new URL(req.url ?? '/', 'http://herald.invalid').searchParams.get('m'),
        status: mapped.status,
        category: mapped.category,
        reason: mapped.category ? [twilioStatus, errorCode].filter(Boolean).join(' ') : null,
        at: deps.clock.now(),
      });
      if (!known) deps.log.info('twilio status callback for an unknown message', { sid, status: twilioStatus });
      sendTwiml(res, '<Response/>');
    },
  };
}
