import type http from 'node:http';

/** Webhook and form bodies are a few KB; 1 MB leaves room and still stops abuse. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/**
 * One header's first value, read from the raw list: `req.headers` builds an object of every header
 * on first use, which the pixel (one header wanted, on every opened mail) need not pay for. The
 * first value wins, as in `req.headers` for the single-valued headers (content-length, user-agent).
 */
export function rawHeader(req: http.IncomingMessage, lowerCaseName: string): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName) return raw[i + 1];
  }
  return undefined;
}

/** Reads the whole body, refusing (before buffering it all) anything over `limit` bytes. */
export async function readBody(req: http.IncomingMessage, limit = DEFAULT_MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads an `application/x-www-form-urlencoded` body as flat fields (the last value wins on
 * repeats, as Twilio never repeats a field). Other content types give an empty object.
 */
export async function readForm(req: http.IncomingMessage, limit = DEFAULT_MAX_BODY_BYTES): Promise<Record<string, string>> {
  const body = await readBody(req, limit);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return {};
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}
