import type http from 'node:http';
import { readForm } from './request-body.js';
import { sendText } from './reply.js';
import type { HttpLogger } from './route.js';

/**
 * True when `X-Twilio-Signature` matches the form fields for the URL Twilio called. Behind a proxy
 * that URL is the public base URL, not the one we listen on, so it is rebuilt from `publicBaseUrl`
 * (or, with none configured, the Host header: the HMAC still needs the auth token, so a forged host
 * cannot make a forged request pass).
 */
export async function hasValidTwilioSignature(
  req: http.IncomingMessage,
  params: Record<string, string>,
  authToken: string,
  publicBaseUrl: string | null,
): Promise<boolean> {
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature === '') return false;
  const base = publicBaseUrl?.replace(/\/+$/, '') ?? `http://${req.headers.host ?? 'localhost'}`;
  try {
    // Loaded on the first webhook: these routes exist only with Twilio configured.
    const { default: twilio } = await import('twilio');
    return twilio.validateRequest(authToken, signature, base + (req.url ?? '/'), params);
  } catch {
    return false;
  }
}

/**
 * Reads a Twilio webhook's form and checks its signature; on a bad or missing one it logs, answers
 * 403 and returns null, so the route does nothing.
 */
export async function readSignedTwilioForm(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  deps: { authToken: string; publicBaseUrl: string | null; maxBodyBytes?: number; log: HttpLogger },
  what: string,
): Promise<Record<string, string> | null> {
  const form = await readForm(req, deps.maxBodyBytes);
  if (await hasValidTwilioSignature(req, form, deps.authToken, deps.publicBaseUrl)) return form;
  deps.log.warn(`${what} with a bad signature`, { path: req.url?.split('?')[0] });
  sendText(res, 403, 'Forbidden');
  return null;
}
