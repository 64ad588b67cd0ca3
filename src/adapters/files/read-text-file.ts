import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { AppError } from '../../domain/errors.js';
import { excerpt } from '../../domain/text/excerpt.js';

const CHUNK = 64 * 1024;

/** "500 KB", "812 bytes" (decimal units, as the limits are stated). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${+(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1_000) return `${+(bytes / 1_000).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/**
 * Reads a text file named on the command line (`--html-file`, `--text-file`) as UTF-8, never more
 * than `maxBytes` + 1 bytes whatever the file is (`/dev/zero`, a FIFO, a growing log): memory and
 * time stay bounded, and the refusal states the cap. A file with a NUL byte or bytes that are not
 * UTF-8 is refused naming the flag and the line, before anything is stored; a UTF-8 byte-order
 * mark is dropped. Errors name the flag and quote the path only as an excerpt.
 */
export async function readTextFile(path: string, options: { field: string; maxBytes: number; what: string; label?: string }): Promise<string> {
  const { field, maxBytes, what } = options;
  // `label` names the file where the edge shows the field itself (the console prefixes the flag).
  const named = options.label ?? `${field} ${excerpt(path, 80)}`;
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw fileError(named, error, field);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const buffer = Buffer.alloc(Math.min(CHUNK, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) {
        throw new AppError('INVALID_INPUT', `${named} is larger than ${formatBytes(maxBytes)}, the limit for ${what}.`, { field, limit: maxBytes });
      }
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw fileError(named, error, field);
  } finally {
    await handle.close();
  }
  const bytes = Buffer.concat(chunks, total);
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new AppError('INVALID_INPUT', `${named} holds a NUL byte on line ${lineAt(bytes, nul)} (byte ${nul}): ${what} must be plain text (UTF-8); is it a binary or UTF-16 file?`, { field, line: lineAt(bytes, nul) });
  }
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const where = at < bytes.length ? `line ${lineAt(bytes, at)} has a byte (0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')} at byte ${at}) UTF-8 does not allow there` : 'its last character is cut off';
    throw new AppError('INVALID_INPUT', `${named} is not UTF-8: ${where}. Save the file as UTF-8 text.`, { field, line: lineAt(bytes, Math.min(at, bytes.length)) });
  }
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** 1-based line of a byte offset. */
export function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}

/**
 * Offset of the first byte that makes `bytes` invalid UTF-8 (`bytes.length` when a character is cut
 * off at the end), found by halving: a prefix decodes without error in streaming mode as long as
 * it holds no invalid sequence, so validity is monotone in the prefix length.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const valid = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (valid(bytes.length)) return bytes.length;
  let lo = 0; // valid(lo)
  let hi = bytes.length; // !valid(hi)
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (valid(mid)) lo = mid;
    else hi = mid;
  }
  // Byte hi-1 breaks the sequence it is in; the sequence starts where the longest prefix that
  // decodes completely (no character cut) ends: that is the byte to name.
  for (let start = hi - 1; start > Math.max(0, hi - 5); start--) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, start));
      return start;
    } catch {
      // A character cut at `start`: its lead byte is further back.
    }
  }
  return Math.max(0, hi - 4);
}

function fileError(named: string, error: unknown, field?: string): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AppError('NOT_FOUND', `${named}: no such file.`, field ? { field } : {});
  if (code === 'EISDIR') return new AppError('INVALID_INPUT', `${named} is a folder, not a file.`, field ? { field } : {});
  if (code === 'EACCES' || code === 'EPERM') return new AppError('INVALID_INPUT', `${named}: permission denied.`, field ? { field } : {});
  if (code === 'ENOTDIR') return new AppError('NOT_FOUND', `${named}: a part of the path is not a folder.`, field ? { field } : {});
  if (code === 'ENAMETOOLONG') return new AppError('INVALID_INPUT', `${named}: the path is too long to be a file's.`, field ? { field } : {});
  if (code === 'EAGAIN') return new AppError('INVALID_INPUT', `${named} has nothing to read yet (a pipe or device): give a regular file.`, field ? { field } : {});
  return new AppError('INVALID_INPUT', `${named} cannot be read (${code ?? 'error'}).`, field ? { field } : {});
}
