import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.js';

/**
 * Makes sure HERALD_DATA_DIR is a folder Herald can write (it holds the embedded database and the
 * local captures): created when missing, refused in one sentence when it is a file or read-only.
 */
export function ensureDataFolder(dir: string): void {
  const shown = `HERALD_DATA_DIR (${dir})`;
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new ConfigError(`${shown} is a file, or lies under one: give a folder.`);
    throw new ConfigError(`${shown} cannot be created (${code ?? 'error'}): give a folder Herald may write.`);
  }
  if (!fs.statSync(dir).isDirectory()) throw new ConfigError(`${shown} is a file, not a folder: give a folder.`);
  const probe = path.join(dir, `.write-check-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (error) {
    throw new ConfigError(`${shown} is not writable by this user (${(error as NodeJS.ErrnoException).code ?? 'error'}): give a folder Herald may write.`);
  }
}
