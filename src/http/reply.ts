import type http from 'node:http';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
} as const;

export function sendText(res: http.ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body), 'application/json; charset=utf-8');
}

/** Pages people see: no scripts, no framing, no referrer leaking the token. */
export function sendHtml(res: http.ServerResponse, status: number, body: string): void {
  res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  res.setHeader('referrer-policy', 'no-referrer');
  sendText(res, status, body, 'text/html; charset=utf-8');
}

export function sendTwiml(res: http.ServerResponse, twiml: string): void {
  sendText(res, 200, `<?xml version="1.0" encoding="UTF-8"?>${twiml}`, 'text/xml; charset=utf-8');
}

/** Escapes text for HTML element content and quoted attribute values (and XML). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
