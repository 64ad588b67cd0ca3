import { open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SMS_OUTBOX_FILE } from './sms-outbox-provider.js';
import type { CapturedSms } from './sms-outbox-provider.js';
import type { CapturedOutbox as CapturedOutboxPort } from '../../../domain/ports/captured-outbox.js';

export type { CapturedSms } from './sms-outbox-provider.js';

/** A captured email as the console's "outbox" command lists it. */
export interface CapturedMail {
  /** Path of the `.eml` file; open it in a mail client to see the message as sent. */
  file: string;
  date: Date | null;
  from: string | null;
  to: string | null;
  subject: string | null;
  messageId: string | null;
  listUnsubscribe: string | null;
}

// Headers of mail Herald writes fit easily; a DKIM signature is under 1 KiB.
const HEADER_READ_BYTES = 64 * 1024;

/** Newest captured emails first (file names start with the capture time). */
export async function listCapturedMail(dir: string, limit: number): Promise<CapturedMail[]> {
  const names = await readdirOrEmpty(dir);
  const newest = names
    .filter((name) => name.endsWith('.eml') && !name.startsWith('.'))
    .sort()
    .reverse()
    .slice(0, Math.max(0, limit));
  return Promise.all(
    newest.map(async (name) => {
      const file = path.join(dir, name);
      const headers = parseHeaders(await readHead(file));
      const date = headers.get('date');
      const parsedDate = date ? new Date(date) : null;
      return {
        file,
        date: parsedDate && !Number.isNaN(parsedDate.getTime()) ? parsedDate : null,
        from: decodeOptional(headers.get('from')),
        to: decodeOptional(headers.get('to')),
        subject: decodeOptional(headers.get('subject')),
        messageId: headers.get('message-id') ?? null,
        listUnsubscribe: headers.get('list-unsubscribe') ?? null,
      };
    }),
  );
}

/** Newest captured SMS first; lines that are not valid JSON (a torn write) are skipped. */
export async function listCapturedSms(dir: string, limit: number): Promise<CapturedSms[]> {
  let text: string;
  try {
    text = await readFile(path.join(dir, SMS_OUTBOX_FILE), 'utf8');
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const result: CapturedSms[] = [];
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0 && result.length < limit; i -= 1) {
    const line = lines[i]!.trim();
    if (!line) continue;
    try {
      result.push(JSON.parse(line) as CapturedSms);
    } catch {
      continue;
    }
  }
  return result;
}

/**
 * Header fields by lower-case name (first occurrence wins), unfolded (RFC 5322 2.2.3). Values
 * stay raw: callers decode encoded-words only where a person reads them.
 */
export function parseHeaders(raw: string): Map<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const block = end === -1 ? raw : raw.slice(0, end);
  const unfolded = block.replace(/\r?\n(?=[ \t])/g, '');
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded-words. Adjacent words of one charset are joined as bytes before
 * decoding, because a sender may split a multi-byte character across two words.
 */
export function decodeEncodedWords(value: string): string {
  const parts: Array<string | { charset: string; bytes: Buffer }> = [];
  let last = 0;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    const charset = match[1]!.split('*')[0]!.toLowerCase();
    const bytes = match[2]!.toUpperCase() === 'B' ? Buffer.from(match[3]!, 'base64') : decodeQ(match[3]!);
    const previous = parts[parts.length - 1];
    // Whitespace between two encoded-words is folding, not text (RFC 2047 section 6.2).
    const followsWord = typeof previous === 'object' && /^\s*$/.test(between);
    if (followsWord && previous.charset === charset) {
      previous.bytes = Buffer.concat([previous.bytes, bytes]);
    } else {
      if (!followsWord) parts.push(between);
      parts.push({ charset, bytes });
    }
    last = match.index + match[0].length;
  }
  parts.push(value.slice(last));
  return parts.map((part) => (typeof part === 'string' ? part : decodeBytes(part.bytes, part.charset))).join('');
}

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeBytes(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    // An unknown charset label: latin1 keeps ASCII readable, which is the best left to do.
    return bytes.toString('latin1');
  }
}

function decodeOptional(value: string | undefined): string | null {
  return value === undefined ? null : decodeEncodedWords(value);
}

async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_READ_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_READ_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/** The CapturedOutbox port over the capture folders (the console's `outbox`). */
export function capturedOutbox(dirs: { mailDir: string; smsDir: string }): CapturedOutboxPort {
  return {
    where: { mail: dirs.mailDir, sms: path.join(dirs.smsDir, SMS_OUTBOX_FILE) },
    mail: (limit) => listCapturedMail(dirs.mailDir, limit),
    sms: (limit) => listCapturedSms(dirs.smsDir, limit),
  };
}
