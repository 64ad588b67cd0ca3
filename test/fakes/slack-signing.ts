import crypto from 'node:crypto';

/** Slack's v0 request signature: HMAC-SHA256 of `v0:${timestamp}:${body}` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${crypto.createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPost {
  body: string;
  contentType?: string;
  /** Seconds since the epoch; Slack (and Bolt) refuse anything older than 5 minutes. */
  timestamp?: number;
  /** Send without X-Slack-Signature. */
  unsigned?: boolean;
  /** Change the body after signing it. */
  tamper?: (body: string) => string;
  headers?: Record<string, string>;
}

/** POSTs a request the way Slack does, correctly signed unless told otherwise. */
export async function postSigned(url: string, secret: string, req: SignedPost): Promise<{ status: number; text: string; json: any }> {
  const timestamp = req.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = slackSignature(secret, timestamp, req.body);
  const body = req.tamper ? req.tamper(req.body) : req.body;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': req.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      ...(req.unsigned ? {} : { 'x-slack-signature': signature }),
      ...req.headers,
    },
    body,
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Interactivity payloads arrive as one `payload=` form field holding JSON. */
export function payloadForm(payload: unknown): string {
  return form({ payload: JSON.stringify(payload) });
}
