import fs from 'node:fs';
import { AppError } from '../../domain/errors.js';
import type { LocalFiles } from '../../domain/ports/local-files.js';

/** The LocalFiles port on node:fs. */
export const localFiles: LocalFiles = {
  async open(path, field) {
    try {
      const handle = await fs.promises.open(path, 'r');
      const stat = await handle.stat();
      if (!stat.isFile()) {
        await handle.close();
        throw new AppError('INVALID_INPUT', `${path} is not a file.`, { path, field });
      }
      return handle.createReadStream();
    } catch (error) {
      throw refusal(error, path, field);
    }
  },
  async readText(path, field) {
    try {
      return await fs.promises.readFile(path, 'utf8');
    } catch (error) {
      throw refusal(error, path, field);
    }
  },
};

function refusal(error: unknown, path: string, field: string): unknown {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AppError('NOT_FOUND', `File not found: ${path}`, { path, field });
  if (code === 'EISDIR') return new AppError('INVALID_INPUT', `${path} is not a file.`, { path, field });
  return new AppError('INVALID_INPUT', `${path} could not be read: ${(error as Error).message}`, { path, field });
}
