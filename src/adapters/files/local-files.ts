import fs from 'node:fs';
import { AppError } from '../../domain/errors.js';
import type { LocalFiles } from '../../domain/ports/local-files.js';
import { excerpt, shownPath } from '../../domain/text/excerpt.js';
import { readTextFile } from './read-text-file.js';

/**
 * The LocalFiles port on node:fs. Opening never waits on a FIFO or a device (O_NONBLOCK, then only
 * regular files are read), errors name the path only as an excerpt and carry the field, and text is
 * read within the caller's byte limit (read-text-file.ts).
 */
export const localFiles: LocalFiles = {
  async open(path, field) {
    try {
      const handle = await fs.promises.open(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const stat = await handle.stat();
      if (!stat.isFile()) {
        await handle.close();
        throw new AppError('INVALID_INPUT', `${shownPath(path)} is not a file.`, { path: shownPath(path), field });
      }
      return handle.createReadStream();
    } catch (error) {
      throw refusal(error, path, field);
    }
  },
  readText(path, field, limits) {
    return readTextFile(path, { field, maxBytes: limits.maxBytes, what: limits.what, label: excerpt(path, 80) });
  },
};

function refusal(error: unknown, path: string, field: string): unknown {
  if (error instanceof AppError) return error;
  const shown = shownPath(path);
  const code = (error as NodeJS.ErrnoException).code;
  const details = { path: shown, field };
  if (code === 'ENOENT') return new AppError('NOT_FOUND', `File not found: ${shown}`, details);
  if (code === 'ENOTDIR') return new AppError('NOT_FOUND', `File not found: ${shown} (a part of the path is not a folder).`, details);
  if (code === 'EISDIR') return new AppError('INVALID_INPUT', `${shown} is not a file.`, details);
  if (code === 'ENAMETOOLONG') return new AppError('INVALID_INPUT', `${shown}: the path is too long to be a file's.`, details);
  if (code === 'EACCES' || code === 'EPERM') return new AppError('INVALID_INPUT', `${shown}: permission denied.`, details);
  return new AppError('INVALID_INPUT', `${shown} could not be read (${code ?? 'error'}).`, details);
}
