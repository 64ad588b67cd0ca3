import type http from 'node:http';
import twilio from 'twilio';

/**
 * True when `X-Twilio-Signature` matches the form fields for the URL Twilio called. Behind a proxy
 * that URL is the public base URL, not the one we listen on, so it is rebuilt from `publicBaseUrl`
 * (or, with none configured, the Host header: the HMAC still needs the auth token, so a forged host
 * cannot make a forged request pass).
 */
export function hasValidTwilioSignature(
  req: http.IncomingMessage,
  params: Record<string, string>,
  authToken: string,
  publicBaseUrl: string | null,
): boolean {
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature === '') return false;
  const base = publicBaseUrl?.replace(/\/+$/, '') ?? `http://${req.headers.host ?? 'localhost'}`;
  try {
    return twilio.validateRequest(authToken, signature, base + (req.url ?? '/'), params);
  } catch {
    return false;
  }
}
