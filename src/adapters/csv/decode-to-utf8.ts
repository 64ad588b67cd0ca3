import { isUtf8 } from 'node:buffer';
import { AppError } from '../../domain/errors.js';
import { DEFAULT_TEXT_ENCODING } from '../../domain/text/text-encodings.js';
import { firstInvalidUtf8 } from '../files/read-text-file.js';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A file's bytes as UTF-8, in chunks. Declared `utf-8` (the default), the bytes are checked, not
 * repaired: the first byte UTF-8 does not allow stops the read with INVALID_INPUT naming its line
 * and what to do (a Latin-1 "München" is never stored as "M\uFFFDnchen"); a UTF-8 byte-order mark is
 * dropped. Any other `encoding` (a TextDecoder label) is decoded as declared.
 */
export async function* decodeToUtf8(source: AsyncIterable<Uint8Array | string>, encoding: string = DEFAULT_TEXT_ENCODING): AsyncGenerator<Buffer, void, undefined> {
  if (encoding !== 'utf-8') {
    const decoder = new TextDecoder(encoding);
    for await (const chunk of source) {
      const text = decoder.decode(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, { stream: true });
      if (text) yield Buffer.from(text, 'utf8');
    }
    const rest = decoder.decode();
    if (rest) yield Buffer.from(rest, 'utf8');
    return;
  }
  let offset = 0;
  let lines = 1;
  let carry: Buffer = Buffer.alloc(0);
  let started = false;
  for await (const raw of source) {
    let chunk = Buffer.concat([carry, typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw]);
    if (!started) {
      if (chunk.length < 3) {
        carry = chunk;
        continue;
      }
      started = true;
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) throw utf16(chunk[0] === 0xff ? 'utf-16le' : 'utf-16be');
      if (chunk.subarray(0, 3).equals(UTF8_BOM)) {
        chunk = chunk.subarray(3);
        offset = 3;
      }
    }
    const cut = incompleteTail(chunk);
    const body = chunk.subarray(0, cut);
    carry = Buffer.from(chunk.subarray(cut));
    if (!isUtf8(body)) throw notUtf8(body, firstInvalidUtf8(body), offset, lines);
    lines += countLineFeeds(body, body.length);
    offset += body.length;
    if (body.length) yield body;
  }
  if (carry.length) {
    if (!started && carry.subarray(0, 3).equals(UTF8_BOM)) return;
    if (!isUtf8(carry)) throw notUtf8(carry, Math.min(firstInvalidUtf8(carry), carry.length - 1), offset, lines);
    yield carry;
  }
}

/** Where a character cut by the chunk's end starts (the chunk's length when none is). */
function incompleteTail(chunk: Buffer): number {
  for (let i = chunk.length - 1; i >= Math.max(0, chunk.length - 3); i--) {
    const b = chunk[i]!;
    if (b < 0x80) return chunk.length;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return i + need > chunk.length ? i : chunk.length;
    }
  }
  return chunk.length;
}

function countLineFeeds(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

function notUtf8(bytes: Buffer, at: number, offset: number, lines: number): AppError {
  const line = lines + countLineFeeds(bytes, at);
  const byte = bytes[at] ?? 0;
  return new AppError(
    'INVALID_INPUT',
    `The file is not UTF-8: line ${line} has the byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} (byte ${offset + at} of the file), which UTF-8 does not allow there. ` +
      `It is probably Latin-1 / Windows-1252 (what Excel saves as plain "CSV" on Windows): save it as "CSV UTF-8", or import it with --encoding windows-1252.`,
    { field: 'encoding', line },
  );
}

function utf16(encoding: string): AppError {
  return new AppError('INVALID_INPUT', `The file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as "CSV UTF-8", or import it with --encoding ${encoding}.`, {
    field: 'encoding',
    line: 1,
  });
}
