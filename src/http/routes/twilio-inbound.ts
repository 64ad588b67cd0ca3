import type { SuppressionStore } from '../../domain/ports/suppression-store.js';
import { escapeHtml, sendTwiml } from '../reply.js';
import type { HttpLogger, HttpRoute } from '../route.js';
import { readSignedTwilioForm } from '../twilio-signature.js';

/** Twilio's default opt-out, opt-in and help keywords (NOTES.md). */
export const SMS_STOP_KEYWORDS: readonly string[] = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
export const SMS_START_KEYWORDS: readonly string[] = ['START', 'UNSTOP', 'YES'];
export const SMS_HELP_KEYWORDS: readonly string[] = ['HELP', 'INFO'];

export const DEFAULT_SMS_HELP_TEXT = 'Reply STOP to stop receiving messages, START to receive them again.';

export interface TwilioInboundRouteDeps {
  suppressions: SuppressionStore;
  log: HttpLogger;
  authToken: string;
  publicBaseUrl: string | null;
  helpText?: string;
  maxBodyBytes?: number;
}

export const TWILIO_INBOUND_PATH = '/webhooks/twilio/inbound';

/**
 * The keyword a reply is, if the whole message is one: "stop", " Stop. " count, "stop texting me"
 * does not (that is how carriers and Twilio read it).
 */
export function smsKeyword(body: string): 'stop' | 'start' | 'help' | null {
  const word = body.trim().replace(/[.!]+$/, '').toUpperCase();
  if (SMS_STOP_KEYWORDS.includes(word)) return 'stop';
  if (SMS_START_KEYWORDS.includes(word)) return 'start';
  if (SMS_HELP_KEYWORDS.includes(word)) return 'help';
  return null;
}

/**
 * Inbound SMS. The opt-out is written before we answer, so once Twilio has our 200 the number is
 * on the suppression list. No reply to STOP/START: Twilio's own opt-out handling confirms those.
 */
export function twilioInboundRoute(deps: TwilioInboundRouteDeps): HttpRoute {
  return {
    method: 'POST',
    path: TWILIO_INBOUND_PATH,
    async handler(req, res) {
      const form = await readSignedTwilioForm(req, res, deps, 'twilio inbound webhook');
      if (!form) return;
      const from = form.From?.trim();
      const keyword = from ? smsKeyword(form.Body ?? '') : null;
      if (from && keyword === 'stop') {
        const added = await deps.suppressions.add({ address: from, reason: 'sms_stop', source: 'twilio-inbound' });
        deps.log.info('sms opt-out', { sid: form.MessageSid, added });
      } else if (from && keyword === 'start') {
        const removed = await deps.suppressions.remove(from);
        deps.log.info('sms opt-in', { sid: form.MessageSid, removed });
      } else if (keyword === 'help') {
        return sendTwiml(res, `<Response><Message>${escapeHtml(deps.helpText ?? DEFAULT_SMS_HELP_TEXT)}</Message></Response>`);
      }
      sendTwiml(res, '<Response/>');
    },
  };
}
